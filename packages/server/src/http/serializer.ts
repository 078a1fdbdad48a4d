import { isDeepStrictEqual } from "node:util";
import fastJson from "fast-json-stringify";
import { serializerCompiler as zodSerializerCompiler } from "fastify-type-provider-zod";
import { z } from "zod";

type CompilerInput = Parameters<typeof zodSerializerCompiler>[0];

/**
 * Response serialisation from each route's zod schema, compiled to `fast-json-stringify`
 * (its JSON Schema, as the OpenAPI document shows it): only the properties the schema
 * declares are written, as zod's encode would, at about a third of its cost (the answer of
 * a list of 20 payments is most of that request's CPU).
 *
 * With `check` (on under NODE_ENV=test, `ZEROFEE_CHECK_RESPONSES`), every answer is also
 * encoded by zod — which refuses an answer that breaks its schema — and the two must hold
 * the same JSON (an optional property may come in another place among its siblings), so
 * every response the test suite sees proves the compiled serializer. A
 * schema that JSON Schema cannot express keeps zod's serializer.
 */
export function responseSerializerCompiler(check: boolean) {
  return (input: CompilerInput): ((data: unknown) => string) => {
    const schema = input.schema as z.ZodType | { properties: z.ZodType };
    const zod = schema instanceof z.ZodType ? schema : schema.properties;
    const checked = zodSerializerCompiler(input);
    // Compiled on first use, once per schema object (the error envelope is one object shared
    // by every route, and every app a process builds shares the routes' schemas).
    let fast: ((data: unknown) => string) | undefined;
    const serialize = (data: unknown) => {
      fast ??= compiled(zod) ?? checked;
      return fast(data);
    };
    if (!check) return serialize;
    return (data) => {
      const expected = checked(data);
      const written = serialize(data);
      if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected))) {
        throw new Error(
          `compiled serializer of ${input.method} ${input.url} wrote ${written.slice(0, 300)} where the schema encodes ${expected.slice(0, 300)}`,
        );
      }
      return written;
    };
  };
}

const compiledFor = new WeakMap<z.ZodType, ((data: unknown) => string) | null>();

/** `fast-json-stringify` from the schema's JSON Schema; null when JSON Schema cannot express it. */
function compiled(zod: z.ZodType): ((data: unknown) => string) | null {
  let fn = compiledFor.get(zod);
  if (fn === undefined) {
    try {
      fn = fastJson(z.toJSONSchema(zod, { target: "draft-7", io: "output", unrepresentable: "any" }) as Parameters<typeof fastJson>[0]);
    } catch {
      fn = null;
    }
    compiledFor.set(zod, fn);
  }
  return fn;
}
