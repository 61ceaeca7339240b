using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Infrastructure;

/// <summary>The paging rules every keyset-paged list shares, checked on each of them through HTTP.</summary>
public sealed class KeysetPagingTests(ApiFactory api)
{
    /// <summary>Every keyset-paged list, browse once per sort order (each has its own key type).</summary>
    public static readonly TheoryData<string> Lists =
        ["users", "audit", "security-events", "beta-members", "subscriptions", "payment-transactions", "podcasts", "podcast-episodes", "content-newest", "content-popular", "content-year", "content-rating"];

    /// <summary>Limits that are not a whole number from 1 to 100 (<c>%2B5</c> is "+5").</summary>
    private static readonly string[] BadLimits = ["abc", "0", "101", "-1", "2.5", "%2B5", "1e2"];

    private static string With(string url, string query) => url + (url.Contains('?', StringComparison.Ordinal) ? '&' : '?') + query;

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync(Roles.Admin)).Client;

    /// <summary>Two items only this call can see, and the list's URL narrowed to them.</summary>
    private async Task<(HttpClient Client, string Url)> SeedAsync(string list)
    {
        var tag = Guid.NewGuid().ToString("N");
        var at = DateTime.UtcNow.Date.AddDays(-3);
        switch (list)
        {
            case "users":
            {
                await api.CreateClient().RegisterAsync($"{tag}-1@example.com");
                await api.CreateClient().RegisterAsync($"{tag}-2@example.com");
                return (await AdminAsync(), $"/api/admin/users?email={tag}");
            }

            case "audit":
                await api.Database.GetCollection<BsonDocument>("auditlog").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument
                    {
                        ["user_id"] = tag, ["action_type"] = "user.updated", ["resource_type"] = "user", ["changes"] = new BsonDocument(), ["created_at"] = at.AddMinutes(i),
                    })],
                    cancellationToken: Http.Ct);
                return (await AdminAsync(), $"/api/admin/audit?userId={tag}");

            case "security-events":
                await api.Database.GetCollection<BsonDocument>("securityauditlog").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument { ["event_type"] = tag, ["severity"] = "low", ["created_at"] = at.AddMinutes(i) })],
                    cancellationToken: Http.Ct);
                return (await AdminAsync(), $"/api/admin/security-events?eventType={tag}");

            case "beta-members":
            {
                // The list has no text filter: a fraud score no other test stores narrows it to these two.
                var score = Math.Round(0.1 + (0.8 * Random.Shared.NextDouble()), 12);
                await api.Database.GetCollection<BsonDocument>("betauser").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument
                    {
                        ["user_id"] = ObjectId.GenerateNewId().ToString(), ["email"] = $"{tag}-{i}@example.com", ["fingerprint_hash"] = tag, ["is_active"] = true,
                        ["fraud_score"] = score, ["enrolled_at"] = at.AddMinutes(i), ["expires_at"] = at.AddDays(90),
                    })],
                    cancellationToken: Http.Ct);
                var bound = score.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                return (await AdminAsync(), $"/api/admin/beta/members?minFraudScore={bound}&maxFraudScore={bound}");
            }

            case "subscriptions":
            {
                // A plan id no other test stores narrows the list to these two.
                var plan = $"t{tag}";
                await api.Database.GetCollection<BsonDocument>("subscription").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument
                    {
                        ["user_id"] = ObjectId.GenerateNewId().ToString(), ["plan_id"] = plan, ["status"] = "active", ["start_date"] = at, ["end_date"] = at.AddDays(30),
                        ["auto_renew"] = true, ["payment_method"] = "stripe", ["amount"] = 9.99, ["currency"] = "USD", ["billing_period"] = "monthly", ["created_at"] = at.AddMinutes(i),
                    })],
                    cancellationToken: Http.Ct);
                return (await AdminAsync(), $"/api/admin/subscriptions?planId={plan}");
            }

            case "payment-transactions":
            {
                var userId = ObjectId.GenerateNewId().ToString();
                await api.Database.GetCollection<BsonDocument>("transaction").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument
                    {
                        ["user_id"] = userId, ["amount"] = 9.99, ["currency"] = "USD", ["transaction_type"] = "payment", ["status"] = "success",
                        ["payment_provider"] = "stripe", ["provider_transaction_id"] = $"pi_{tag}_{i}", ["created_at"] = at.AddMinutes(i),
                    })],
                    cancellationToken: Http.Ct);
                return (await AdminAsync(), $"/api/admin/transactions?userId={userId}");
            }

            case "podcasts":
                await InsertPodcastsAsync(tag, at, 2);
                return (api.CreateClient(), $"/api/podcasts?category={tag}");

            case "podcast-episodes":
            {
                var podcastId = (await InsertPodcastsAsync(tag, at, 1))[0];
                await api.Database.GetCollection<BsonDocument>("podcastepisode").InsertManyAsync(
                    [.. Enumerable.Range(0, 2).Select(i => new BsonDocument
                    {
                        ["podcast_id"] = podcastId.ToString(), ["title"] = $"Episode {i}", ["audio_url"] = "https://cdn.example.com/e.mp3", ["published_date"] = at.AddDays(i),
                    })],
                    cancellationToken: Http.Ct);
                return (api.CreateClient(), $"/api/podcasts/{podcastId}/episodes");
            }

            default:
                var section = Catalog.NewSlug();
                await api.InsertAsync(
                    Catalog.Item("First", [section], year: 1999, rating: 7.5, views: 3),
                    Catalog.Item("Second", [section], year: 2001, rating: 8.5, views: 5));
                return (api.CreateClient(), $"/api/content?section={section}&sort={list["content-".Length..]}");
        }
    }

    private async Task<List<ObjectId>> InsertPodcastsAsync(string category, DateTime at, int count)
    {
        var podcasts = Enumerable.Range(0, count).Select(i => new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["title"] = $"Show {i}",
            ["rss_feed_url"] = $"https://feeds.example.com/{Guid.NewGuid():N}.xml",
            ["categories"] = new BsonArray { category },
            ["created_at"] = at.AddMinutes(i),
        }).ToList();
        await api.Database.GetCollection<BsonDocument>("podcast").InsertManyAsync(podcasts, cancellationToken: Http.Ct);
        return [.. podcasts.Select(p => p["_id"].AsObjectId)];
    }

    private static async Task<string> FirstPageCursorAsync(HttpClient client, string url)
    {
        var page = await (await client.GetAsync(With(url, "limit=1"), Http.Ct)).ReadAsync<JsonObject>();
        Assert.Single(page["items"]!.AsArray());
        return page["nextCursor"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"{url}: two items but no nextCursor");
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Every_cursor_a_client_can_craft_from_an_issued_one_is_a_400_naming_cursor(string list)
    {
        var (client, url) = await SeedAsync(list);
        var crafted = CraftedCursors.From(await FirstPageCursorAsync(client, url));

        var wrong = new List<string>();
        foreach (var (name, cursor) in crafted)
        {
            var response = await client.GetAsync(With(url, $"cursor={Uri.EscapeDataString(cursor)}"), Http.Ct);
            var body = await response.Content.ReadAsStringAsync(Http.Ct);
            var errors = response.StatusCode == HttpStatusCode.BadRequest ? JsonNode.Parse(body)?["errors"]?.AsObject() : null;
            if (errors is null || errors.Select(e => e.Key).SingleOrDefault() != "cursor")
            {
                wrong.Add($"{name}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.Equal(19, crafted.Count);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task The_issued_cursor_reads_the_next_page(string list)
    {
        var (client, url) = await SeedAsync(list);
        var cursor = await FirstPageCursorAsync(client, url);

        var second = await (await client.GetAsync(With(url, $"limit=1&cursor={cursor}"), Http.Ct)).ReadAsync<JsonObject>();

        Assert.Single(second["items"]!.AsArray());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task A_cursor_issued_by_another_list_is_a_400_naming_cursor()
    {
        var (podcasts, podcastsUrl) = await SeedAsync("podcasts");
        var (admin, auditUrl) = await SeedAsync("audit");
        var cursor = await FirstPageCursorAsync(podcasts, podcastsUrl);

        var response = await admin.GetAsync(With(auditUrl, $"cursor={cursor}"), Http.Ct);

        await response.AssertValidationProblemAsync("cursor");
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_limit_that_is_not_a_whole_number_from_1_to_100_is_a_400_naming_limit(string list)
    {
        var (client, url) = await SeedAsync(list);

        foreach (var limit in BadLimits)
        {
            var response = await client.GetAsync(With(url, $"limit={limit}"), Http.Ct);

            var problem = await response.AssertValidationProblemAsync("limit");
            Assert.Contains("from 1 to 100", problem["errors"]!["limit"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_bad_limit_and_a_bad_cursor_are_reported_together(string list)
    {
        var (client, url) = await SeedAsync(list);

        var response = await client.GetAsync(With(url, "limit=0&cursor=AAAA"), Http.Ct);

        await response.AssertValidationProblemAsync("cursor", "limit");
    }

    [Fact]
    public async Task Every_operation_with_a_cursor_documents_limit_as_an_integer_from_1_to_100()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadAsync<JsonObject>();

        var paged = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key} {path.Key}", Parameters: operation.Value!["parameters"]?.AsArray() ?? [])))
            .Where(operation => operation.Parameters.Any(p => p!["name"]!.GetValue<string>() == "cursor"))
            // Search pages by an offset cursor of its own, with its own limit (1 to 50): SearchPagingTests.
            .Where(operation => operation.Name != "get /api/search")
            .ToList();

        Assert.Equal(
            ["get /api/admin/audit", "get /api/admin/beta/members", "get /api/admin/security-events", "get /api/admin/subscriptions", "get /api/admin/transactions", "get /api/admin/users", "get /api/beta/me/transactions", "get /api/content", "get /api/podcasts", "get /api/podcasts/{id}/episodes", "get /api/users/me/history"],
            paged.Select(operation => operation.Name).Order(StringComparer.Ordinal));
        Assert.All(paged, operation =>
        {
            var limit = operation.Parameters.Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!;
            Assert.Equal(("integer", 1, 100, 20), (limit["type"]!.GetValue<string>(), limit["minimum"]!.GetValue<int>(), limit["maximum"]!.GetValue<int>(), limit["default"]!.GetValue<int>()));
        });
    }
}
