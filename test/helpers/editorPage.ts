import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run), never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** n8n's editor in headless Chromium, signed in with the session cookie of `n8n.signIn` or the owner set-up. */
export async function openEditor(base: string, cookie: string): Promise<{ browser: Browser; page: Page }> {
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const [name, value] = cookie.split('=');
	await context.addCookies([{ name, value, url: base }]);
	const page = await context.newPage();
	page.setDefaultTimeout(30_000);
	return { browser, page };
}
