// `docker compose config` without Docker: the file's variables interpolated as the compose
// specification defines them, then checked against the specification's JSON schema (as shipped
// in the dclint package). Nothing is started. No npm library interpolates compose files on its
// own, so the interpolation is written here, small and strict: a malformed `${…}` or a variable
// that is unset and has no default is an error, not an empty string.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Interpolates one string: `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+r}`, `${VAR+r}`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      // Find the matching brace; defaults may hold nested ${…}.
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
      }
      if (depth !== 0) throw new Error(`Invalid interpolation format: unclosed "\${" in ${text}`);
      out += expand(text.slice(i + 2, j - 1), env, text);
      i = j;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!m) throw new Error(`Invalid interpolation format: a lone "$" in ${text} (write $$)`);
      out += lookup(m[0], env, text);
      i += 1 + m[0].length;
    }
  }
  return out;
}

function lookup(name: string, env: Record<string, string | undefined>, text: string): string {
  const value = env[name];
  if (value === undefined) throw new Error(`Variable ${name} is unset and has no default: ${text}`);
  return value;
}

function expand(body: string, env: Record<string, string | undefined>, text: string): string {
  const m = /^([^:?+-]*)(:?[-?+])?([\s\S]*)$/.exec(body);
  const name = m?.[1] ?? '';
  if (!NAME.test(name)) throw new Error(`Invalid interpolation format: "\${${body}}" in ${text}`);
  const op = m?.[2];
  const rest = m?.[3] ?? '';
  const value = env[name];
  const set = op?.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  switch (op) {
    case undefined:
      if (rest !== '') throw new Error(`Invalid interpolation format: "\${${body}}" in ${text}`);
      return lookup(name, env, text);
    case ':-':
    case '-':
      return set ? (value as string) : interpolate(rest, env);
    case ':?':
    case '?':
      if (!set) throw new Error(`Required variable ${name} is missing: ${rest}`);
      return value as string;
    default: // ':+' and '+'
      return set ? interpolate(rest, env) : '';
  }
}

function interpolateAll(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)] as const),
    );
  }
  return node;
}

const require = createRequire(import.meta.url);
const schemaFile = join(
  dirname(require.resolve('dclint/package.json')),
  'schemas/compose.schema.json',
);

let validate: ReturnType<Ajv['compile']> | undefined;
function schemaValidator() {
  if (!validate) {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    // The schema names draft-07 by an https URL Ajv does not register; its keywords are draft-07.
    delete schema.$schema;
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validate;
}

/** The file as `docker compose config` would resolve it under `env`; throws on any mistake. */
export function composeConfig<T>(file: string, env: Record<string, string | undefined>): T {
  const doc = interpolateAll(parse(readFileSync(file, 'utf8')), env);
  const check = schemaValidator();
  if (!check(doc)) {
    const errors = (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new Error(`${file} does not follow the compose specification:\n${errors.join('\n')}`);
  }
  return doc as T;
}
