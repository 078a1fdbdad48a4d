import { z } from "zod";
import { PageQuery } from "../../lib/cursor.js";

export const ModeSchema = z.enum(["test", "live"]);

/** A dashboard user names the mode here or with `X-ZeroFee-Mode` (default test). */
const OptionalMode = ModeSchema.optional().describe("test or live; omitted: the X-ZeroFee-Mode header (default test)");
export const ModeQuery = z.strictObject({ mode: OptionalMode });
/** The provider list pages like every list (SPEC §4), over the registry's fixed order. */
export const ListProvidersQuery = ModeQuery.extend(PageQuery.shape);
export type ListProvidersInput = z.infer<typeof ListProvidersQuery>;

const isControl = (c: string) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
const credentialValue = z
  .string()
  .min(1)
  .max(4096)
  .refine((v) => ![...v].some(isControl), "no control characters");

export const ProviderParams = z.strictObject({ app_id: z.string().min(1).max(64), provider: z.string().min(1).max(40) });

export const PutProviderBody = z.strictObject({
  mode: OptionalMode,
  enabled: z.boolean().optional().describe("Whether routing may pick this provider (default: true)"),
  priority: z.number().int().min(0).max(1000).optional().describe("Lower is tried first after the routing rule (default 100)"),
  credentials: z
    .record(z.string().min(1).max(64), credentialValue)
    .optional()
    .describe("The provider's own keys (its `credentials` fields); replaces what was stored. Never returned."),
});
export type PutProviderInput = z.infer<typeof PutProviderBody>;

export const ProviderConfigSchema = z
  .object({
    object: z.literal("provider_config"),
    provider: z.string(),
    display_name: z.string(),
    mode: ModeSchema,
    enabled: z.boolean(),
    priority: z.number().int(),
    /** Credentials are stored (they are never returned). */
    configured: z.boolean(),
    credentials: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        secret: z.boolean(),
        required: z.boolean(),
        set: z.boolean(),
        hint: z.string().nullable().describe("The last 4 characters of a long value, at most"),
      }),
    ),
    webhook_url: z.string().describe("Where this provider must send callbacks for this app and mode"),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .meta({ id: "ProviderConfig" });
