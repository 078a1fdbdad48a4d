import { z } from "zod";

export const ErrorEnvelope = z
  .object({
    success: z.literal(false),
    error: z.object({ type: z.string(), code: z.string(), message: z.string(), param: z.string().optional(), request_id: z.string() }),
  })
  .meta({ id: "Error" });

export const dataEnvelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({ success: z.literal(true), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

/** Error answers documented on every route. */
export const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
  422: ErrorEnvelope,
  429: ErrorEnvelope,
  503: ErrorEnvelope,
};
