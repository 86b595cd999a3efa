import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A user who clones the project has only the repository: the README and the contract pages link
 * to files inside it (that exist), never to a sibling directory like ../shared/, and their
 * #anchors name headings that exist.
 */
const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const PAGES = [
  'README.md',
  'docs/CONTRACT.md',
  ...readdirSync(join(ROOT, 'docs/contract'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/contract/${f}`),
];

/** Markdown links and images: [text](target) and ![alt](target), outside code spans and blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  const anchors = new Set<string>();
  for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add(
      heading!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

describe('links in the README and the contract pages', () => {
  it('the helpers read links and anchors as GitHub does', () => {
    expect(linksOf('see [a](docs/A.md#x) and ![i](img.png "t") but not `[b](c)`')).toEqual([
      'docs/A.md#x',
      'img.png',
    ]);
    expect([...anchorsOf('## Dead-letter queue (DLQ)\n### Alert types and severities\n')]).toEqual([
      'dead-letter-queue-dlq',
      'alert-types-and-severities',
    ]);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link stays inside the repository and exists, with its anchor`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const problems: string[] = [];
      for (const link of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
          if (!/^(https?|mailto):/i.test(link)) problems.push(`${link}: not a web link`);
          continue;
        }
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURI(path));
        const inside = relative(ROOT, target);
        if (inside.startsWith('..') || resolve(ROOT, inside) !== target) {
          problems.push(`${link}: outside the repository`);
        } else if (!existsSync(target)) {
          problems.push(`${link}: no such file`);
        } else if (
          anchor !== undefined &&
          anchor !== '' &&
          statSync(target).isFile() &&
          target.endsWith('.md')
        ) {
          if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) problems.push(`${link}: no such heading`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('the README links to the contract page and to nothing under ../', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(linksOf(readme)).toContain('docs/CONTRACT.md');
    expect(readme).not.toMatch(/\]\(\.\.\//);
    expect(readme).not.toContain('../shared');
  });
});
