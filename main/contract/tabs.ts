// Browser tabs let into the UI, in words the UI and the CLI share. Pure: no node:, no DOM.
import type { TabSession } from './model.js';

const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Linux|X11/, 'Linux'],
];

/** "Firefox 128 on Linux" from a user agent; the raw text (or "unknown browser") when it is not one. */
export function browserLabel(userAgent: string): string {
  const browser = BROWSERS.map(([re, name]) => [re.exec(userAgent), name] as const).find(([m]) => m);
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (!browser) return userAgent.trim() || 'unknown browser';
  const [match, name] = browser;
  return `${name} ${match![1]}${system ? ` on ${system}` : ''}`;
}

/** How a tab was let in, in words. */
export function tabVia(tab: Pick<TabSession, 'via'>): string {
  return tab.via === 'code' ? 'a one-time link' : 'the printed link';
}
