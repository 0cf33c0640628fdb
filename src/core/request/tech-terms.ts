/** What a technology says about a request. */
export type TechRole = "frontend" | "backend" | "orm";

/** A technology the request parser recognises. */
export interface TechTerm {
  /** Lower-case tag used by conditions (`fastapi`, `nextjs`, `spring-boot`). */
  tag: string;
  /** The usual spelling, used when the stack is guessed from free text. */
  display: string;
  /** Other lower-case spellings (`next.js`, `nextjs`). The tag itself always matches. */
  names?: readonly string[];
  /** Tags this one implies: the language it is written in, the framework it builds on. */
  implies?: readonly string[];
  roles?: readonly TechRole[];
  /** Also an ordinary English word (`go`, `express`, `spring`): read from stack entries, never guessed. */
  ambiguous?: boolean;
}

/** The technologies recognised in stack entries and free text. Reasonable, not exhaustive. */
export const TECH_TERMS: readonly TechTerm[] = [
  { tag: "python", display: "Python" },
  { tag: "javascript", display: "JavaScript", names: ["js", "ecmascript"] },
  { tag: "typescript", display: "TypeScript", names: ["ts"] },
  { tag: "java", display: "Java" },
  { tag: "kotlin", display: "Kotlin" },
  { tag: "go", display: "Go", names: ["golang"], ambiguous: true },
  { tag: "rust", display: "Rust" },
  { tag: "ruby", display: "Ruby" },
  { tag: "php", display: "PHP" },
  { tag: "csharp", display: "C#", names: ["c#"] },
  { tag: "swift", display: "Swift", ambiguous: true },
  { tag: "dart", display: "Dart", ambiguous: true },
  { tag: "fastapi", display: "FastAPI", implies: ["python"], roles: ["backend"] },
  { tag: "django", display: "Django", implies: ["python"], roles: ["backend", "orm"] },
  { tag: "flask", display: "Flask", implies: ["python"], roles: ["backend"] },
  {
    tag: "node",
    display: "Node.js",
    names: ["node.js", "nodejs"],
    implies: ["javascript"],
    roles: ["backend"],
  },
  {
    tag: "express",
    display: "Express",
    names: ["express.js", "expressjs"],
    implies: ["node", "javascript"],
    roles: ["backend"],
    ambiguous: true,
  },
  {
    tag: "nestjs",
    display: "NestJS",
    names: ["nest.js"],
    implies: ["node", "typescript"],
    roles: ["backend"],
  },
  { tag: "spring", display: "Spring", implies: ["java"], roles: ["backend"], ambiguous: true },
  {
    tag: "spring-boot",
    display: "Spring Boot",
    names: ["spring boot", "springboot"],
    implies: ["spring", "java"],
    roles: ["backend"],
  },
  {
    tag: "rails",
    display: "Rails",
    names: ["ruby on rails", "ror"],
    implies: ["ruby"],
    roles: ["backend", "orm"],
    ambiguous: true,
  },
  { tag: "laravel", display: "Laravel", implies: ["php"], roles: ["backend", "orm"] },
  { tag: "gin", display: "Gin", implies: ["go"], roles: ["backend"], ambiguous: true },
  {
    tag: "aspnet",
    display: "ASP.NET",
    names: ["asp.net", "asp.net core", "aspnetcore"],
    implies: ["csharp"],
    roles: ["backend"],
  },
  { tag: "graphql", display: "GraphQL", roles: ["backend"] },
  { tag: "postgresql", display: "PostgreSQL", names: ["postgres"], roles: ["backend"] },
  { tag: "mysql", display: "MySQL", roles: ["backend"] },
  { tag: "mariadb", display: "MariaDB", roles: ["backend"] },
  { tag: "sqlite", display: "SQLite", roles: ["backend"] },
  { tag: "mongodb", display: "MongoDB", names: ["mongo"], roles: ["backend"] },
  { tag: "redis", display: "Redis", roles: ["backend"] },
  { tag: "sqlalchemy", display: "SQLAlchemy", implies: ["python"], roles: ["backend", "orm"] },
  { tag: "prisma", display: "Prisma", roles: ["backend", "orm"] },
  { tag: "typeorm", display: "TypeORM", implies: ["typescript"], roles: ["backend", "orm"] },
  { tag: "sequelize", display: "Sequelize", implies: ["javascript"], roles: ["backend", "orm"] },
  { tag: "drizzle", display: "Drizzle", names: ["drizzle orm", "drizzle-orm"], roles: ["backend", "orm"] },
  { tag: "mongoose", display: "Mongoose", implies: ["javascript"], roles: ["backend", "orm"] },
  { tag: "hibernate", display: "Hibernate", names: ["jpa"], implies: ["java"], roles: ["backend", "orm"] },
  {
    tag: "activerecord",
    display: "ActiveRecord",
    names: ["active record"],
    implies: ["ruby"],
    roles: ["backend", "orm"],
  },
  {
    tag: "entity-framework",
    display: "Entity Framework",
    names: ["entity framework", "ef core", "entityframework"],
    implies: ["csharp"],
    roles: ["backend", "orm"],
  },
  { tag: "gorm", display: "GORM", implies: ["go"], roles: ["backend", "orm"] },
  {
    tag: "react",
    display: "React",
    names: ["react.js", "reactjs"],
    implies: ["javascript"],
    roles: ["frontend"],
  },
  {
    tag: "react-native",
    display: "React Native",
    names: ["react native"],
    implies: ["react", "javascript"],
    roles: ["frontend"],
  },
  {
    tag: "nextjs",
    display: "Next.js",
    names: ["next.js"],
    implies: ["react", "javascript"],
    roles: ["frontend"],
  },
  { tag: "vue", display: "Vue", names: ["vue.js", "vuejs"], implies: ["javascript"], roles: ["frontend"] },
  {
    tag: "nuxt",
    display: "Nuxt",
    names: ["nuxt.js", "nuxtjs"],
    implies: ["vue", "javascript"],
    roles: ["frontend"],
  },
  { tag: "svelte", display: "Svelte", names: ["sveltekit"], implies: ["javascript"], roles: ["frontend"] },
  { tag: "angular", display: "Angular", implies: ["typescript"], roles: ["frontend"] },
  {
    tag: "solid",
    display: "Solid",
    names: ["solidjs", "solid.js"],
    implies: ["javascript"],
    roles: ["frontend"],
    ambiguous: true,
  },
  { tag: "tailwind", display: "Tailwind CSS", names: ["tailwindcss", "tailwind css"], roles: ["frontend"] },
  { tag: "flutter", display: "Flutter", implies: ["dart"], roles: ["frontend"] },
  { tag: "html", display: "HTML", roles: ["frontend"] },
  { tag: "css", display: "CSS", roles: ["frontend"] },
];

const BY_NAME = new Map<string, TechTerm>();
const BY_TAG = new Map<string, TechTerm>();
const GUESSABLE = new Map<string, TechTerm>();
for (const term of TECH_TERMS) {
  BY_TAG.set(term.tag, term);
  for (const name of [term.tag, ...(term.names ?? [])]) {
    BY_NAME.set(name, term);
    if (!term.ambiguous) GUESSABLE.set(name, term);
  }
}

/** Every technology by each of its lower-case names. */
export const TECH_BY_NAME: ReadonlyMap<string, TechTerm> = BY_NAME;

/** The technologies that may be guessed from free text, by name (no {@link TechTerm.ambiguous} ones). */
export const GUESSABLE_TECH: ReadonlyMap<string, TechTerm> = GUESSABLE;

/** The technology with this tag, if known. */
export function techByTag(tag: string): TechTerm | undefined {
  return BY_TAG.get(tag);
}

const namesOf = (role: TechRole, includeAmbiguous: boolean): readonly string[] =>
  TECH_TERMS.filter((t) => t.roles?.includes(role) && (includeAmbiguous || !t.ambiguous)).flatMap((t) => [
    t.tag,
    ...(t.names ?? []),
  ]);
const ROLE_NAMES = new Map<string, readonly string[]>(
  (["frontend", "backend", "orm"] as const).flatMap((role) => [
    [`${role}:true`, namesOf(role, true)],
    [`${role}:false`, namesOf(role, false)],
  ]),
);

/** Every lower-case name of every technology that has `role`; ambiguous ones only when asked for. */
export function techNames(role: TechRole, includeAmbiguous: boolean): readonly string[] {
  return ROLE_NAMES.get(`${role}:${includeAmbiguous}`) ?? [];
}
