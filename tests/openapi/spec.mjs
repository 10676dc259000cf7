// docs/openapi.yaml as a response checker: the document is validated against the OpenAPI 3.1
// meta-schema (@seriousme/openapi-schema-validator), then every schema under components and
// paths is compiled with ajv's JSON Schema 2020-12 dialect (the dialect OpenAPI 3.1 uses) and
// ajv-formats, in strict mode so a misspelt keyword in the spec is an error, not a no-op.
//
// check() takes a real HTTP answer and fails unless its status is declared for the operation, its
// Content-Type is one the response declares (or the response says none is sent), and its body
// validates. It records which (method, path, status) were seen, for the coverage assertions.
import fs from 'node:fs';
import YAML from 'yaml';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ROOT_ID = 'urn:cryfttee:openapi';

// OpenAPI references components as '#/components/schemas/X'; ajv gets them as $defs of one root.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out[k] = `${ROOT_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    } else {
      out[k] = rewriteRefs(v);
    }
  }
  return out;
}

export class Spec {
  static async load(file) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = YAML.parse(text);
    const validator = new Validator();
    const res = await validator.validate(doc);
    if (!res.valid) {
      throw new Error(`${file} is not a valid OpenAPI document: ${JSON.stringify(res.errors, null, 1)}`);
    }
    if (validator.version !== '3.1') throw new Error(`${file} is OpenAPI ${validator.version}, expected 3.1`);
    return new Spec(doc);
  }

  constructor(doc) {
    this.doc = doc;
    // strictRequired is off: `if: {ready: false} then: {required: [reason]}` names a property
    // defined beside the if, which is valid 2020-12 but trips that one check.
    this.ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    // Keywords OpenAPI adds to its schema objects and this file uses as documentation only.
    this.ajv.addVocabulary(['example']);
    this.ajv.addSchema({ $id: ROOT_ID, $defs: rewriteRefs(doc.components.schemas) });
    this.compiled = new Map();
    this.seen = new Set(); // "METHOD path status"
  }

  // [{method, path}] of every operation.
  operations() {
    const ops = [];
    for (const [p, item] of Object.entries(this.doc.paths)) {
      for (const m of Object.keys(item)) {
        if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m)) {
          ops.push({ method: m.toUpperCase(), path: p });
        }
      }
    }
    return ops;
  }

  operation(method, path) {
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`the spec has no ${method} ${path}`);
    return op;
  }

  // A response object with its $ref resolved; siblings of the $ref (description) override.
  response(method, path, status) {
    let resp = this.operation(method, path).responses[String(status)];
    if (!resp) return undefined;
    if (resp.$ref) {
      const name = resp.$ref.replace('#/components/responses/', '');
      const { $ref, ...siblings } = resp;
      resp = { ...this.doc.components.responses[name], ...siblings };
    }
    return resp;
  }

  validator(schema) {
    const key = JSON.stringify(schema);
    if (!this.compiled.has(key)) this.compiled.set(key, this.ajv.compile(rewriteRefs(schema)));
    return this.compiled.get(key);
  }

  // Throws unless `value` validates against `schema`; `what` names it in the message.
  validate(schema, value, what) {
    const v = this.validator(schema);
    if (!v(value)) {
      throw new Error(`${what} does not match the spec:\n${this.ajv.errorsText(v.errors, { separator: '\n' })}\n` +
        `value: ${JSON.stringify(value).slice(0, 2000)}`);
    }
  }

  // A request body the test considers valid must also be valid for the spec.
  checkRequest(method, path, body) {
    const op = this.operation(method, path);
    const schema = op.requestBody?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`the spec declares no JSON request body for ${method} ${path}`);
    this.validate(schema, body, `request body of ${method} ${path}`);
  }

  // res: {status, headers, text}. Returns the parsed JSON body (or the text).
  check(method, path, res) {
    const what = `${method} ${path} -> ${res.status}`;
    const resp = this.response(method, path, res.status);
    if (!resp) throw new Error(`${what}: status ${res.status} is not declared in the spec (body: ${res.text.slice(0, 300)})`);
    for (const [name, h] of Object.entries(resp.headers || {})) {
      if (h.required && res.headers[name.toLowerCase()] === undefined) {
        throw new Error(`${what}: header ${name} is required by the spec and missing`);
      }
    }
    const content = resp.content || {};
    const contentType = res.headers['content-type'];
    let media;
    if (contentType === undefined) {
      if (Object.keys(content).length === 0) {
        if (res.text !== '') throw new Error(`${what}: the spec declares no body, got ${res.text.slice(0, 200)}`);
        this.seen.add(`${method} ${path} ${res.status}`);
        return res.text;
      }
      if (!resp['x-content-type-absent']) throw new Error(`${what}: no Content-Type, and the spec expects one`);
      media = 'text/plain';
    } else {
      media = contentType.split(';')[0].trim().toLowerCase();
      if (resp['x-content-type-absent']) throw new Error(`${what}: the spec says no Content-Type, got ${contentType}`);
    }
    const entry = content[media];
    if (!entry) throw new Error(`${what}: Content-Type ${media} is not declared (declared: ${Object.keys(content)})`);
    let value = res.text;
    if (media === 'application/json') {
      try {
        value = JSON.parse(res.text);
      } catch (e) {
        throw new Error(`${what}: body is not JSON: ${res.text.slice(0, 200)}`);
      }
    }
    this.validate(entry.schema, value, what);
    this.seen.add(`${method} ${path} ${res.status}`);
    return value;
  }
}
