// A real Chromium with no system package: @sparticuz/chromium carries a headless Chromium inside
// the npm package and unpacks it to the temp directory on first use. CHROMIUM_PATH names another
// (Debian's /usr/bin/chromium, say) instead.
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/**
 * The browser to run. Unpacking is not safe to race (two processes writing one file), so the
 * test setup calls this once and hands the path to the test workers in CHROMIUM_PATH.
 */
export async function chromiumPath(): Promise<string> {
  return process.env.CHROMIUM_PATH || (await sparticuz.executablePath());
}

/**
 * Headless, and quiet on a machine with no internet: without the background-networking flags
 * Chromium keeps opening connections the network refuses.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_ARGS });
}
