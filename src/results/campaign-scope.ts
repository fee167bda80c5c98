/**
 * `campaign_id IN (…)` over the campaigns whose rows make up a campaign's results: the campaign itself, or,
 * for a recurring series (which sends nothing itself), its occurrences (CampaignResultsService.scope). Every
 * results query takes it, so a series' figures are its occurrences' added up in the same few queries. No
 * campaign (a series with no occurrence yet) matches no row.
 */
export function campaignIdIn(ids: readonly string[], column = 'campaign_id'): { sql: string; params: string[] } {
  return ids.length === 0 ? { sql: '1 = 0', params: [] } : { sql: `${column} IN (${ids.map(() => '?').join(', ')})`, params: [...ids] };
}
