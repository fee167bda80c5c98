/** English texts; the other languages have the same keys (Filipino falls back to these where not ready). */
export const en = {
  app: { title: 'Marketing Messages', signOut: 'Sign out', language: 'Language', page: 'Page', noPage: 'Connect a Page first', sandboxBadge: 'Sandbox' },
  nav: { pages: 'Pages', topics: 'MM Topics', sequences: 'Sequences', pos: 'POS notifications', campaigns: 'Campaigns', subscribers: 'Subscribers', simulator: 'Customer simulator' },
  signIn: { title: 'Sign in', apiKey: "Your shop's API key", hint: 'The key stays in this browser tab only.', submit: 'Sign in', invalid: 'This API key is unknown or revoked' , demoHelp: 'Trying it out on this computer (sandbox mode)? Create a shop and sign in with it.', shopName: 'Shop name', demo: 'Create a demo shop', keyOnce: 'Your shop’s API key, shown this once: keep it to sign in again.' },
  common: { save: 'Save', cancel: 'Cancel', create: 'Create', add: 'Add', delete: 'Delete', status: 'Status', name: 'Name', actions: 'Actions', loading: 'Loading…', none: 'Nothing yet', yes: 'Yes', no: 'No', refresh: 'Refresh' },
  pages: {
    title: 'Pages', connect: 'Connect a Page', id: 'Page id', name: 'Page name', platform: 'Platform', token: 'Page access token',
    adAccount: 'Ad account id (for broadcasts)', systemUserToken: 'System user token', currency: 'Currency', price: 'Price per message (minor units)',
    ready: 'Ready to broadcast', needs: 'Still needs', needAdAccount: 'an ad account', needSystemToken: 'a system user token', needPrice: 'a price per message',
    transferred: 'Transferred to another shop',
  },
  topics: {
    title: 'MM Topics', new: 'New Topic', topicTitle: 'Title', imageUrl: 'Image (https URL)', cta: 'Button text', active: 'Active',
    counter: '{{count}} / {{max}} characters (as Meta counts them)', preview: 'How Messenger shows it', subscribers: 'Subscribers',
    counts: { active: 'active', stopped: 'stopped', unsubscribed: 'unsubscribed', expired: 'expired', invalid: 'invalid', unlisted: 'unlisted' },
    defaultCta: 'Get messages',
  },
  sequences: {
    title: 'Sequences', new: 'New sequence', steps: 'Steps', addText: 'Add a text', addMm: 'Add the MM button', text: 'Text', topic: 'Topic (MM button)',
    delay: 'Delay (seconds)', stepText: 'Text message', stepOptin: 'MM button', remove: 'Remove step',
  },
  pos: {
    title: 'POS notifications', add: 'Add', topic: 'Topic', orderStatus: 'Order status', page: 'FB page', sequence: 'Sequence', activate: 'Activate',
    activeOn: 'Active', activeOff: 'Inactive', dispatched: 'Dispatched', sent: 'Sent', subscribed: 'Subscribed', skipped: 'Skipped', skippedEvents: 'Skipped events',
    reminder: "Don't forget to Activate",
  },
  campaigns: {
    title: 'Campaigns', new: 'New campaign', name: 'Name', text: 'Message', topic: 'Topic', budget: 'Budget (minor units)', budgetType: 'Budget type',
    daily: 'Daily', lifetime: 'Lifetime', preview: 'Preview', audience: 'Audience', estimate: 'Estimate', ours: 'Ours', meta: "Meta's",
    schedule: 'Schedule', asap: 'As soon as Meta allows', at: 'At a time', localHour: "A local hour in each subscriber's timezone", localTime: 'Local time (HH:mm)', date: 'Date',
    pause: 'Pause', resume: 'Resume', cancelCampaign: 'Cancel campaign', progress: 'Progress', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed',
    skipped: 'Skipped', pending: 'Waiting', cost: 'Cost', of: 'of', noBudget: 'no budget', timeLeft: 'Time left', seconds: '{{count}} s', sendsOverTime: 'Sends over time',
    byReason: 'Failures and skips by reason', open: 'Open',
    status: { draft: 'Draft', scheduled: 'Scheduled', running: 'Running', paused: 'Paused', completed: 'Completed', canceled: 'Canceled' },
    warmUp: "Meta waits {{minutes}} min between creating a campaign and its first send.",
  },
  subscribers: { title: 'Subscribers', topic: 'Topic', filter: 'Status', all: 'All', search: 'Search by PSID', unsubscribe: 'Unsubscribe', psid: 'PSID', since: 'Since' },
  simulator: {
    title: 'Customer simulator (sandbox only)', intro: 'Play a customer of the Page in the bundled sandbox: nothing here reaches Meta.', person: 'Customer PSID', write: 'Write to the Page',
    message: 'Message', send: 'Send', tap: 'Tap the MM button', stop: 'Send STOP', resume: 'Send RESUME', inbox: 'What the customer received', done: 'Done',
    demoTitle: 'Demo setting: shorten Meta’s campaign warm-up', demoHelp: 'Sandbox only. Meta requires one hour between creating a campaign and its first send; for a demo the sandbox can wait less. Refused against real Meta.',
    demoSeconds: 'Warm-up (seconds)', demoOn: 'Demo warm-up: {{seconds}} s', demoOff: "Meta's one hour", apply: 'Apply', notSandbox: 'The simulator is available only in sandbox mode (no Meta credentials configured).',
  },
  reasons: {
    window_closed: 'The customer has not written to the Page in the last 24 hours', never_wrote: 'The customer never wrote to the Page', expired: 'The 24-hour window has expired',
    already_subscribed: 'Already subscribed to this topic', request_pending: 'An opt-in request is already waiting for an answer', same_title_within_7_days: 'The same topic was asked in the last 7 days',
    page_restricted: 'The Page is restricted by Meta', topic_inactive: 'The topic is inactive', refused_by_meta: 'Meta refused it', already_messaged: 'Already received a marketing message today',
    meta_12h_spacing: "Meta's 12 hours between messages", frequency_capped: "Meta's frequency limit", not_subscribed: 'No longer subscribed', token_expired: 'Subscription expired',
    budget_reached: 'The budget is spent', daily_budget_reached: "Today's budget is spent", subscriber_stopped: 'The customer sent STOP', too_many_attempts: 'Too many failed attempts', recipient_region_not_allowed: "Meta does not deliver to the customer's region", person_unavailable: 'The customer cannot be reached', timeout: 'Meta did not answer in time', send_outcome_unknown: 'Unknown whether it arrived', lease_expired: 'The worker stopped while sending', user_blocked: 'The customer blocked the Page', stopped: 'The customer sent STOP',
  },
  errors: {
    validation_failed: 'Please check the highlighted fields', not_found: 'Not found', unauthorized: 'Please sign in again', page_exists: 'This Page is already connected',
    token_not_for_page: "This token is not this Page's", token_cannot_use_ad_account: 'This token cannot use that ad account', meta_unavailable: 'Meta could not be reached; try again',
    warm_up_required: 'Meta needs one hour after creating the campaign: start at {{earliestStart}} or later', campaign_not_draft: 'Only a draft can be changed this way',
    sandbox_only: 'Only in sandbox mode (not with real Meta)', nothing_to_tap: 'The Page has not sent this customer an MM button', window_closed: 'The customer has not written in the last 24 hours',
    sequence_lacks_optin_step: 'The sequence must contain the MM button for this topic', topic_title_taken: 'A topic with this title exists', topic_payload_taken: 'A topic with this payload exists', sequence_in_use: 'A POS rule uses this sequence', conflict: 'It already exists', in_use: 'It is still in use', internal: 'Something went wrong',
    generic: 'The request failed ({{code}})',
  },
  rules: {
    isNotEmpty: 'Required', isDefined: 'Required', isLength: 'Wrong length', maxLength: 'Too long', minLength: 'Too short', metaText: 'Too long for Meta', isUrl: 'Must be an https URL',
    matches: 'Wrong format', isInt: 'Must be a whole number', min: 'Too small', max: 'Too large', isIn: 'Not one of the allowed values', isEnum: 'Not one of the allowed values',
    isMinorUnits: 'Must be a whole number in minor units', whitelistValidation: 'Unknown field', isCurrencyCode: 'Use an ISO 4217 code, e.g. PHP', isUUID: 'Choose one',
  },
};
export type Texts = typeof en;
