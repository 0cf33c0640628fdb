import { failure, statusOf } from "./errors.ts";
import type { GitHubClient } from "./octokit.ts";
import type { Permission, PermissionsPort, RepoRef } from "./ports.ts";

const LEVELS: readonly Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];

function asLevel(value: unknown): Permission | undefined {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value)
    ? (value as Permission)
    : undefined;
}

/**
 * A user's permission on the repository. `role_name` is used when it is one of the built-in roles
 * (it tells maintain and triage apart); a custom role falls back to `permission`. Unknown user → none.
 */
export class Permissions implements PermissionsPort {
  readonly #client: GitHubClient;

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  async level(ref: RepoRef, username: string): Promise<Permission> {
    try {
      const { data } = await this.#client.rest.repos.getCollaboratorPermissionLevel({
        owner: ref.owner,
        repo: ref.repo,
        username,
      });
      return asLevel(data.role_name) ?? asLevel(data.permission) ?? "none";
    } catch (error) {
      if (statusOf(error) === 404) return "none";
      throw failure(
        `read the permission of ${username} on ${ref.owner}/${ref.repo}`,
        error,
        "metadata: read",
      );
    }
  }

  /** Active membership of `org/teamSlug` (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`); 404 → false. */
  async inTeam(org: string, teamSlug: string, username: string): Promise<boolean> {
    try {
      const { data } = await this.#client.rest.teams.getMembershipForUserInOrg({
        org,
        team_slug: teamSlug,
        username,
      });
      return data.state === "active";
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw failure(`read the membership of ${username} in team ${org}/${teamSlug}`, error, "members: read");
    }
  }
}
