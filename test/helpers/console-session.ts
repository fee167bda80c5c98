import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import { buildConsoleIfStale, openBrowser, screenshot, seriousA11yViolations, type Browser } from './browser';
import { startTestApp, type TestApp } from './test-app';

/**
 * What consoleSession() gives a console spec: `app` and `page` are there once its beforeAll has run; the
 * helpers read them when called, so a spec may take them apart at once (`const { go, check } = session`).
 */
export interface ConsoleSession {
  /** The app on SQLite with its worker loops and the bundled sandbox, as `npm start` runs them. */
  readonly app: TestApp;
  /** The browser's one tab, at a phone's width. */
  readonly page: Page;
  /** Opens a screen by its route (`topics`, `campaigns`) and waits for its heading. */
  go: (screen: string) => Promise<void>;
  /** A screenshot under test-output/console, and no serious or critical axe violation on the screen. */
  check: (name: string) => Promise<void>;
  /** Picks an option of an Ant Design Select found by its label (within `scope`, the whole page if none). */
  choose: (label: string, option: string, scope?: Locator) => Promise<void>;
}

/**
 * The console in a real browser (Debian's chromium through playwright-core) against the real app, for a
 * spec's describe block: registers the beforeAll that builds the console if stale, starts the app on SQLite
 * with the bundled sandbox and opens the browser, and the afterAll that closes both. A spec's own
 * beforeAll (a shop, a sign-in) runs after this one when registered after the call.
 */
export function consoleSession(): ConsoleSession {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  let releaseBrowserTurn: (() => void) | undefined;
  beforeAll(async () => {
    releaseBrowserTurn = await browserTurn();
    buildConsoleIfStale();
    app = await startTestApp('sqlite', { bundledSandbox: true });
    browser = await openBrowser();
    // Generous for a busy CI machine; a passing run never waits for it.
    browser.page.setDefaultTimeout(30_000);
  }, 420_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    releaseBrowserTurn?.();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the console session's ${what} is read before its beforeAll ran`);
    return value;
  };
  const session: ConsoleSession = {
    get app() {
      return ready(app, 'app');
    },
    get page() {
      return ready(browser, 'browser').page;
    },
    go: async (screen) => {
      await session.page.evaluate(`location.hash = '#/${screen}'`);
      await session.page.getByRole('heading', { level: 2 }).first().waitFor();
    },
    check: async (name) => {
      // Ant Design eases colours in over 0.2 to 0.3 s (a menu item just selected); axe measuring contrast
      // mid-way saw a colour no user is left with. Transitions end on the wall clock, however busy the machine.
      await session.page.waitForTimeout(500);
      await screenshot(session.page, name);
      expect(await seriousA11yViolations(session.page)).toEqual([]);
    },
    choose: async (label, option, scope) => {
      // Held by its element, not its label: choosing a language changes the label itself.
      const input = await (scope ?? session.page).getByLabel(label, { exact: true }).elementHandle();
      if (!input) throw new Error(`no Select labelled ${label}`);
      // A dropdown opened while its form is still sliding in may close again, and a click on an option still
      // sliding in may miss: each try opens the list if it is closed, clicks the option, and checks the Select shows it.
      for (let attempt = 1; ; attempt++) {
        try {
          const list = session.page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
          if (!(await list.first().isVisible())) await input.click({ force: true, timeout: 5_000 });
          await list.locator('.ant-select-item-option').filter({ hasText: option }).first().click({ timeout: 5_000 });
          await session.page.waitForFunction(
            // Runs in the browser; the test's tsconfig has no DOM types, so the element is described by what is used.
            ([el, text]) =>
              (el as unknown as { closest(s: string): { textContent: string | null } | null })
                .closest('.ant-select')
                ?.textContent?.includes(text) ?? false,
            [input, option] as const,
            { timeout: 5_000 },
          );
          return;
        } catch (error) {
          if (attempt === 4) throw error;
        }
      }
    },
  };
  return session;
}

/**
 * Browser specs take turns across jest's workers: two chromiums rendering the console on a 2-core machine
 * starved each other past Playwright's 30 s waits. The turn is a directory in this run's own temporary
 * folder (made by test/global-setup.ts): mkdir is atomic, and a crashed run leaves nothing behind for the next.
 * Waits up to 400 s (the other browser specs take about 30 to 80 s each).
 */
async function browserTurn(): Promise<() => void> {
  const runDir = process.env.MM_TEST_BUILD_DIR;
  if (!runDir) throw new Error('MM_TEST_BUILD_DIR is not set: run browser specs through jest (test/global-setup.ts)');
  const lock = join(runDir, 'browser-turn');
  for (const started = Date.now(); ; await sleep(250)) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - started > 400_000) throw new Error(`another browser spec kept its turn (${lock}) for 400 s`, { cause: error });
    }
  }
}
