// What a Bayit+ frontend does with the API, written against the types openapi-typescript generates
// from /openapi/v1.json (client/api.d.ts). contract/check compiles it with `tsc --strict --noEmit`
// and never runs it: it proves the document gives a frontend usable types without a single cast
// (`as`, `!`, `any`). When a line here stops compiling, the document regressed.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api";

type Schemas = components["schemas"];
type ApiClient = ReturnType<typeof createClient<paths>>;

/** The roles a token can carry; the document must say `role` is one of these. */
export type Role = "user" | "beta" | "admin";

/** A body the admin content endpoints take, read from the path so any component name works. */
type NewContent = NonNullable<paths["/api/admin/content"]["post"]["requestBody"]>["content"]["application/json"];
type ContentChanges = NonNullable<paths["/api/admin/content/{id}"]["patch"]["requestBody"]>["content"]["application/json"];
/** The browse filters, declared apart: openapi-fetch's generic `params` would let an undocumented one (say `lang`) through. */
type BrowseQuery = NonNullable<paths["/api/content"]["get"]["parameters"]["query"]>;

/** Where a signed-in user lands: exhaustive over the roles, so a role the client does not know is a compile error. */
export function homeFor(role: Role): string {
    switch (role) {
        case "admin":
            return "/admin";
        case "beta":
            return "/beta";
        case "user":
            return "/";
    }
}

/** What an error screen shows: the API's trace id, to quote when reporting the problem. */
export function problemReference(traceId: string): string {
    return `Reference: ${traceId}`;
}

export function anonymousClient(baseUrl: string): ApiClient {
    return createClient<paths>({ baseUrl });
}

export function signedInClient(baseUrl: string, accessToken: string): ApiClient {
    const bearer: Middleware = {
        onRequest({ request }) {
            request.headers.set("Authorization", `Bearer ${accessToken}`);
            return request;
        },
    };
    const client = createClient<paths>({ baseUrl });
    client.use(bearer);
    return client;
}

/** Registers an account, then signs in from this browser with only the device fields a browser knows. */
export async function registerAndSignIn(api: ApiClient, email: string, password: string, deviceId: string): Promise<Schemas["TokensResponse"] | string> {
    const registered = await api.POST("/api/auth/register", {
        body: { email, name: "Dana Levi", password },
    });
    if (registered.error) {
        return problemReference(registered.error.traceId);
    }

    const signedIn = await api.POST("/api/auth/login", {
        body: {
            email,
            password,
            device: { deviceId, deviceName: "Dana's laptop", deviceType: "desktop", platform: "web" },
        },
    });
    if (signedIn.error) {
        return problemReference(signedIn.error.traceId);
    }
    return signedIn.data;
}

/** The first page of featured English content, the views on it added up, and the next page's cursor. */
export async function browseFeatured(api: ApiClient): Promise<{ titles: string[]; views: number; nextCursor: string | null } | string> {
    const query: BrowseQuery = { limit: 5, featured: true, lang: "en" };
    const page = await api.GET("/api/content", { params: { query } });
    if (page.error) {
        return problemReference(page.error.traceId);
    }

    let views = 0;
    for (const item of page.data.items) {
        views = item.viewCount + views;
    }
    return { titles: page.data.items.map((item) => item.title), views, nextCursor: page.data.nextCursor };
}

/** Reads the user's theme preference, switches it, and sends the home screen the role leads to. */
export async function toggleTheme(api: ApiClient): Promise<string> {
    const me = await api.GET("/api/users/me");
    if (me.error) {
        return problemReference(me.error.traceId);
    }

    const current = me.data.preferences.theme;
    const theme = current === "dark" ? "light" : "dark";
    const updated = await api.PATCH("/api/users/me", {
        body: { preferences: { ...me.data.preferences, theme } },
    });
    if (updated.error) {
        return problemReference(updated.error.traceId);
    }
    return homeFor(me.data.role);
}

/** An admin adds a film to the catalog, then features it. The bodies are read field by field, so a
 * free-form body type (a map of unknown values) fails here as surely as a wrong field does. */
export async function addFilm(admin: ApiClient): Promise<string> {
    const film: NewContent = {
        title: "Footnote",
        streamUrl: "https://cdn.example.com/footnote/master.m3u8",
        sectionIds: ["drama"],
        primarySectionId: "drama",
        contentFormat: "movie",
        audienceId: "general",
        year: 2011,
    };
    const heading = film.title.toUpperCase();

    const created = await admin.POST("/api/admin/content", { body: film });
    if (created.error) {
        return problemReference(created.error.traceId);
    }

    const changes: ContentChanges = { isFeatured: true };
    const featured: boolean = changes.isFeatured ?? false;
    const patched = await admin.PATCH("/api/admin/content/{id}", {
        params: { path: { id: created.data.id } },
        body: changes,
    });
    if (patched.error) {
        return problemReference(patched.error.traceId);
    }
    return `${heading} added${featured ? ", featured" : ""} as ${patched.data.id}`;
}
