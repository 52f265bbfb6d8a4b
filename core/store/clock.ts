/** The time written to created_at / updated_at columns: ISO 8601 in UTC. */
export function isoNow(): string {
  return new Date().toISOString();
}
