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
}
