import { z } from "zod";
import { ModeSchema } from "../providers/schemas.js";

const provider = z.string().min(1).max(40);
const base = {
  payment_method: z.string().min(1).max(64).describe("PAYIN_<OPERATOR>_<COUNTRY>, PAYIN_CARD or PAYIN_PAYPAL"),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .nullish()
    .describe("Defaults to the method's country"),
};

export const RuleSchema = z.union([
  z.strictObject({ ...base, providers: z.array(provider).min(1).max(10).describe("Tried in this order") }),
  z.strictObject({
    ...base,
    split: z
      .array(z.strictObject({ provider, weight: z.number().int().min(1).max(10_000) }))
      .min(1)
      .max(10)
      .describe("Weighted random choice of the first provider; the others follow by weight"),
  }),
]);

export const PutRoutingBody = z.strictObject({
  mode: ModeSchema.optional().describe("test or live; omitted: the X-ZeroFee-Mode header (default test)"),
  rules: z.array(RuleSchema).max(200),
});
export type PutRoutingInput = z.infer<typeof PutRoutingBody>;

export const RoutingSchema = z
  .object({
    object: z.literal("routing"),
    mode: ModeSchema,
    rules: z.array(
      z.union([
        z.object({ payment_method: z.string(), country: z.string().nullable(), providers: z.array(z.string()) }),
        z.object({ payment_method: z.string(), country: z.string().nullable(), split: z.array(z.object({ provider: z.string(), weight: z.number().int() })) }),
      ]),
    ),
    updated_at: z.string().nullable(),
  })
  .meta({ id: "Routing" });
