using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class ListUsersTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private async Task<JsonObject> ListAsync(SignedInUser admin, string query)
    {
        var response = await api.ClientFor(admin).GetAsync("/api/admin/users" + query, Http.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string[] Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(u => u!["id"]!.GetValue<string>())];

    [Fact]
    public async Task Pages_never_repeat_or_skip_while_users_register_between_requests()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var prefix = $"page-{Guid.NewGuid():N}-";
        var existing = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            existing.Add((await api.CreateClient().RegisterAsync($"{prefix}{i}@example.com"))["id"]!.GetValue<string>());
        }

        var seen = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ListAsync(admin, $"?email={prefix}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(u => u!.DeepClone()));
            cursor = page["nextCursor"]?.GetValue<string>();
            await api.CreateClient().RegisterAsync($"{prefix}late-{pages}@example.com");
            pages++;
        }
        while (cursor is not null);

        var ids = seen.Select(u => u["id"]!.GetValue<string>()).ToList();
        Assert.Equal(3, pages);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(existing.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        var keys = seen.Select(u => (CreatedAt: u["createdAt"]!.GetValue<DateTime>(), Id: u["id"]!.GetValue<string>())).ToList();
        Assert.Equal(keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Filters_by_role_active_flag_and_an_escaped_case_insensitive_email_prefix()
    {
        var admin = await api.SignUpAsync(role: "admin");
        // Every address starts with the test's own tag, so the prefix filters see only its users.
        var tag = "t" + Guid.NewGuid().ToString("N");
        var dotted = await api.SignUpAsync($"{tag}a.b@example.com", role: "beta");
        var lookalike = await api.SignUpAsync($"{tag}axb@example.com", role: "beta");
        var inactive = await api.SignUpAsync($"{tag}a.b-off@example.com");
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(inactive.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        var byPrefix = await ListAsync(admin, $"?email={tag.ToUpperInvariant()}A.B");
        var beta = await ListAsync(admin, $"?role=beta&email={tag}");
        var off = await ListAsync(admin, $"?isActive=false&email={tag}a.b");
        var on = await ListAsync(admin, $"?isActive=true&email={tag}a.b");

        Assert.Equal(new[] { dotted.Id, inactive.Id }.Order(StringComparer.Ordinal), Ids(byPrefix).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { dotted.Id, lookalike.Id }.Order(StringComparer.Ordinal), Ids(beta).Order(StringComparer.Ordinal));
        Assert.Equal([inactive.Id], Ids(off));
        Assert.Equal([dotted.Id], Ids(on));
        Assert.Null(byPrefix["nextCursor"]);
        Assert.DoesNotContain("password", byPrefix.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_default_page_holds_twenty_newest_first()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var prefix = $"many-{Guid.NewGuid():N}-";
        for (var i = 0; i < 21; i++)
        {
            await api.CreateClient().RegisterAsync($"{prefix}{i}@example.com");
        }

        var page = await ListAsync(admin, $"?email={prefix}");

        Assert.Equal(20, page["items"]!.AsArray().Count);
        Assert.NotNull(page["nextCursor"]);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?role=owner", "role")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?cursor=AAAA", "cursor")]
    public async Task Invalid_queries_are_400_naming_the_parameter(string query, string field)
    {
        var admin = await api.SignUpAsync(role: "admin");

        var response = await api.ClientFor(admin).GetAsync("/api/admin/users" + query, Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_malformed_isActive_is_a_400_problem()
    {
        var admin = await api.SignUpAsync(role: "admin");

        var response = await api.ClientFor(admin).GetAsync("/api/admin/users?isActive=maybe", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Users_get_403_anonymous_callers_401_and_a_demoted_admin_403()
    {
        var user = await api.SignUpAsync(role: "beta");
        var demoted = await api.SignUpAsync(role: "admin");
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(demoted.Id)), new BsonDocument("$set", new BsonDocument("role", "user")), cancellationToken: Http.Ct);

        var asUser = await api.ClientFor(user).GetAsync("/api/admin/users", Http.Ct);
        var anonymous = await api.CreateClient().GetAsync("/api/admin/users", Http.Ct);
        var asDemoted = await api.ClientFor(demoted).GetAsync("/api/admin/users", Http.Ct);

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await asDemoted.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
