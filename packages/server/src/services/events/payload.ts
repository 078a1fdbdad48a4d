/** The body of a webhook and of `GET /v1/events/{id}`'s core: `{id, type, created_at, data}` (SPEC §7). */
export interface EventPayload {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export const eventPayload = (e: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): EventPayload => ({
  id: e.id,
  type: e.type,
  created_at: e.createdAt.toISOString(),
  data: e.data,
});
