using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The policies re-check the account behind a token on every request: a token issued
/// before a demotion or a deactivation stops working at once, on every endpoint under a policy.</summary>
public sealed class AccountPolicyTests(ApiFactory api)
{
    private const string AnyId = "000000000000000000000000";

    [Fact]
    public async Task A_demoted_admins_old_token_is_refused_on_every_admin_route()
    {
        var (admin, demoted) = await TwoAdminsAsync();

        var change = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{demoted.Id}", new { role = Roles.User });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        await AssertEveryAdminRouteRefusesAsync(demoted);
    }

    [Fact]
    public async Task A_deactivated_admins_old_token_is_refused_on_every_admin_route()
    {
        var (admin, deactivated) = await TwoAdminsAsync();

        var change = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{deactivated.Id}", new { isActive = false });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        await AssertEveryAdminRouteRefusesAsync(deactivated);
    }

    [Fact]
    public async Task A_deactivated_users_old_token_is_401_on_their_own_endpoints_and_playback()
    {
        var admin = await api.SignUpAsync(role: Roles.Admin);
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/users/me", Http.Ct)).StatusCode);

        var change = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = false });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        await (await client.GetAsync("/api/users/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PatchJsonAsync("/api/users/me", new { name = "Still here" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsync($"/api/content/{AnyId}/play", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var stored = await api.Database.GetCollection<BsonDocument>("user").Find(new BsonDocument("_id", ObjectId.Parse(user.Id))).SingleAsync(Http.Ct);
        Assert.Equal("Test User", stored["name"].AsString);
    }

    [Fact]
    public async Task A_token_naming_an_account_that_never_existed_is_401()
    {
        var client = api.CreateClient().WithToken(api.MintAccessToken(ObjectId.GenerateNewId().ToString(), TestUsers.NewEmail("ghost"), Roles.User));

        await (await client.GetAsync("/api/users/me", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_promoted_account_acts_as_admin_once_its_token_says_so_and_an_admin_token_of_a_user_account_is_refused()
    {
        var user = await api.SignUpAsync();
        var forged = api.CreateClient().WithToken(api.MintAccessToken(user.Id, user.Email, Roles.Admin));

        await (await forged.GetAsync("/api/admin/users", Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    /// <summary>Each admin endpoint is called with the old token: the refusal comes from the
    /// policy, before any binding, so placeholder ids and an empty body are enough.</summary>
    private async Task AssertEveryAdminRouteRefusesAsync(SignedInUser former)
    {
        var client = api.ClientFor(former);
        var routes = AdminRoutes();
        Assert.True(routes.Count >= 25, $"only {routes.Count} admin routes found");
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request, Http.Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    private List<(string Method, string Path)> AdminRoutes() => api.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Admin))
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (method, Path(e))))
        .ToList();

    private static string Path(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment =>
            string.Concat(segment.Parts.Select(part => part is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal ? literal.Content : AnyId))));

    /// <summary>Two admins; the second has used its token once, so its state is cached when it changes.</summary>
    private async Task<(SignedInUser Admin, SignedInUser Other)> TwoAdminsAsync()
    {
        var admin = await api.SignUpAsync(role: Roles.Admin);
        var other = await api.SignUpAsync(role: Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(other).GetAsync("/api/admin/users?limit=1", Http.Ct)).StatusCode);
        return (admin, other);
    }
}

/// <summary>A database of its own: these tests count every admin in it.</summary>
public sealed class LastAdminApiFactory : ApiFactory;

public sealed class LastAdminTests(LastAdminApiFactory api) : IClassFixture<LastAdminApiFactory>
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    [Fact]
    public async Task The_last_active_admin_cannot_delete_their_account_but_can_once_another_admin_exists()
    {
        await RetireEveryAdminAsync();
        var last = await api.SignUpAsync(role: Roles.Admin);

        var refused = await api.ClientFor(last).DeleteAsync("/api/users/me", Http.Ct);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("last active admin", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var stored = await StoredAsync(last.Id);
        Assert.True(stored["is_active"].AsBoolean);
        Assert.False(stored.Contains("deleted_at") && stored["deleted_at"] != BsonNull.Value);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(last).GetAsync("/api/admin/users?limit=1", Http.Ct)).StatusCode);

        await api.SignUpAsync(role: Roles.Admin);
        var deleted = await api.ClientFor(last).DeleteAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False((await StoredAsync(last.Id))["is_active"].AsBoolean);
    }

    [Fact]
    public async Task An_ordinary_user_deletes_their_account_whatever_the_number_of_admins()
    {
        await RetireEveryAdminAsync();
        var user = await api.SignUpAsync();

        var deleted = await api.ClientFor(user).DeleteAsync("/api/users/me", Http.Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Admins_deleting_themselves_all_at_once_always_leave_one_admin()
    {
        for (var round = 0; round < 5; round++)
        {
            await RetireEveryAdminAsync();
            var admins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => api.SignUpAsync(role: Roles.Admin)));
            var clients = admins.Select(api.ClientFor).ToList();

            var responses = await Task.WhenAll(clients.Select(client => client.DeleteAsync("/api/users/me", Http.Ct)));

            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.Conflict }));
            var active = await Users.CountDocumentsAsync(new BsonDocument { ["role"] = Roles.Admin, ["is_active"] = true }, cancellationToken: Http.Ct);
            Assert.True(active >= 1, $"round {round}: no active admin left");
            Assert.Equal(admins.Length - active, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        }
    }

    private Task<BsonDocument> StoredAsync(string id) => Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    /// <summary>Takes the admins of earlier tests out of the count (this class's own database).</summary>
    private Task RetireEveryAdminAsync() => Users.UpdateManyAsync(
        new BsonDocument("role", Roles.Admin), new BsonDocument("$set", new BsonDocument("role", Roles.User)), cancellationToken: Http.Ct);
}
