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
    const checked = zodSerializerCompiler(input);
    let fast: (data: unknown) => string;
    try {
      const schema = input.schema as z.ZodType | { properties: z.ZodType };
      const zod = schema instanceof z.ZodType ? schema : schema.properties;
      fast = fastJson(z.toJSONSchema(zod, { target: "draft-7", io: "output", unrepresentable: "any" }) as Parameters<typeof fastJson>[0]);
    } catch {
      return checked;
    }
    if (!check) return fast;
    return (data) => {
      const expected = checked(data);
      const written = fast(data);
      if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected))) {
        throw new Error(
          `compiled serializer of ${input.method} ${input.url} wrote ${written.slice(0, 300)} where the schema encodes ${expected.slice(0, 300)}`,
        );
      }
      return written;
    };
  };
}
