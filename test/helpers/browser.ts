import axe from 'axe-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-output', 'console');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the console (vite) when console/dist is missing or older than its sources, as `npm start` would. */
export function buildConsoleIfStale(): void {
  const index = join(ROOT, 'console', 'dist', 'index.html');
  // The console's sources and the few files of the plugin it imports.
  const shared = [
    join(ROOT, 'libs', 'graph-api', 'src', 'meta-text.ts'),
    join(ROOT, 'src', 'pos-notifications', 'order-status.ts'),
    join(ROOT, 'src', 'common', 'currency.ts'),
  ];
  const sources = Math.max(newest(join(ROOT, 'console', 'src')), ...shared.map((file) => statSync(file).mtimeMs));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.mts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian's chromium, headless, with a fresh profile, one tab at a phone's width (390 px), preferring reduced motion. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'mm-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 390, height: 844 },
    // A user who asked for less motion: the console then turns Ant Design's animations off (see
    // console/src/reduced-motion.ts). Its dropdowns sliding in and a spinner caught mid-growth made clicks miss
    // and left a Save button named "loading Save" on a busy machine; what the specs assert is not the motion.
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-output/console/<name>.png (and returns its path). */
export async function screenshot(page: Page, name: string, path = join(SCREENSHOTS, `${name}.png`)): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core on the page as it is: the serious and critical violations of WCAG 2.1 A/AA and axe's best practices. */
export async function seriousA11yViolations(page: Page): Promise<AxeProblem[]> {
  // Strings, not functions: they run in the page, and this project's type check has no DOM types.
  if (!(await page.evaluate<boolean>('typeof axe !== "undefined"'))) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate<{
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  }>('axe.run(document, { resultTypes: ["violations"], runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] })');
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
