using System.Globalization;
using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Recaps;

/// <summary>The shared host with an ingestion key configured (the shared one has none).</summary>
public sealed class IngestApiFactory : ApiFactory
{
    public const string Key = "captioning-service-key-0123456789abcdefghij";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Recaps:IngestKeys:0"] = "another-service-key-zyxwvutsrqponmlkjihgfedcba",
        ["Recaps:IngestKeys:1"] = Key,
    };

    public HttpClient KeyClient(string key = Key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}

public sealed class IngestTranscriptTests(IngestApiFactory api) : IClassFixture<IngestApiFactory>
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private static string Url(string channelId) => $"/api/live/channels/{channelId}/transcript";

    private static Dictionary<string, object?> Segment(string text, DateTime start, double seconds = 5, string language = "en", string? speaker = null) => new()
    {
        ["text"] = text,
        ["startTime"] = start.ToString("O", CultureInfo.InvariantCulture),
        ["endTime"] = start.AddSeconds(seconds).ToString("O", CultureInfo.InvariantCulture),
        ["language"] = language,
        ["speaker"] = speaker,
    };

    private static object Body(params object[] segments) => new { segments };

    private IMongoCollection<BsonDocument> Segments => api.Raw("livetranscriptsegment");

    private Task<List<BsonDocument>> StoredAsync(string channelId) =>
        Segments.Find(new BsonDocument("channel_id", channelId)).Sort(new BsonDocument("start_time", 1)).ToListAsync(Http.Ct);

    [Fact]
    public async Task A_service_key_stores_the_segments_trimmed_with_UTC_times()
    {
        var channel = await api.NewLiveChannelAsync();
        var start = new DateTime(Now.Year, Now.Month, Now.Day, Now.Hour, Now.Minute, Now.Second, 250, DateTimeKind.Utc).AddMinutes(-10);
        var withOffset = new DateTimeOffset(start.AddSeconds(5)).ToOffset(TimeSpan.FromHours(2));

        var response = await api.KeyClient().PostJsonAsync(Url(channel), Body(
            Segment("  Good evening, here is the news.  ", start, speaker: "Anchor"),
            new Dictionary<string, object?>
            {
                ["text"] = "ערב טוב",
                ["startTime"] = withOffset.ToString("O", CultureInfo.InvariantCulture),
                ["endTime"] = withOffset.AddSeconds(3).ToString("O", CultureInfo.InvariantCulture),
                ["language"] = "he",
            }));

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body["stored"]!.GetValue<int>());
        Assert.Equal(0, body["duplicates"]!.GetValue<int>());
        var stored = await StoredAsync(channel);
        Assert.Equal(2, stored.Count);
        Assert.Equal("Good evening, here is the news.", stored[0]["text"].AsString);
        Assert.Equal(start, stored[0]["start_time"].ToUniversalTime());
        Assert.Equal(start.AddSeconds(5), stored[0]["end_time"].ToUniversalTime());
        Assert.Equal("en", stored[0]["language"].AsString);
        Assert.Equal("Anchor", stored[0]["speaker"].AsString);
        Assert.StartsWith($"{channel}:", stored[0]["segment_key"].AsString, StringComparison.Ordinal);
        Assert.InRange(stored[0]["received_at"].ToUniversalTime(), Now, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal("ערב טוב", stored[1]["text"].AsString);
        Assert.Equal(start.AddSeconds(5), stored[1]["start_time"].ToUniversalTime());
        Assert.Equal(start.AddSeconds(8), stored[1]["end_time"].ToUniversalTime());
        Assert.Equal("he", stored[1]["language"].AsString);
        Assert.True(!stored[1].Contains("speaker") || stored[1]["speaker"].IsBsonNull);
    }

    [Fact]
    public async Task Any_configured_key_and_an_admin_token_are_accepted()
    {
        var channel = await api.NewLiveChannelAsync();
        var admin = await api.SignUpAsync(role: Roles.Admin);

        var other = await api.KeyClient("another-service-key-zyxwvutsrqponmlkjihgfedcba").PostJsonAsync(Url(channel), Body(Segment("From the other service.", Now.AddMinutes(-2))));
        var byAdmin = await api.ClientFor(admin).PostJsonAsync(Url(channel), Body(Segment("From an admin.", Now.AddMinutes(-1))));

        Assert.Equal(1, (await other.ReadJsonAsync())["stored"]!.GetValue<int>());
        Assert.Equal(1, (await byAdmin.ReadJsonAsync())["stored"]!.GetValue<int>());
        Assert.Equal(2, (await StoredAsync(channel)).Count);
    }

    [Fact]
    public async Task Without_a_valid_key_or_an_admin_token_nothing_is_stored()
    {
        var channel = await api.NewLiveChannelAsync();
        var user = await api.SignUpAsync();
        var beta = await api.SignUpAsync(role: Roles.Beta);
        var body = Body(Segment("Refused.", Now.AddMinutes(-1)));

        await (await api.CreateClient().PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.KeyClient("wrong-key-0123456789abcdefghijklmnopqrstuv").PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.KeyClient(IngestApiFactory.Key[..^1]).PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.KeyClient(IngestApiFactory.Key + "x").PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.KeyClient("").PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.ClientFor(user).PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor(beta).PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var wrongKeyAsUser = api.KeyClient("wrong-key-0123456789abcdefghijklmnopqrstuv").WithToken(user.AccessToken);
        await (await wrongKeyAsUser.PostJsonAsync(Url(channel), body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await StoredAsync(channel));
    }

    [Fact]
    public async Task An_unknown_or_inactive_channel_is_404()
    {
        var inactive = await api.NewLiveChannelAsync(active: false);
        var body = Body(Segment("Nobody hears this.", Now.AddMinutes(-1)));

        await (await api.KeyClient().PostJsonAsync(Url(ObjectId.GenerateNewId().ToString()), body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.KeyClient().PostJsonAsync(Url(inactive), body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.KeyClient().PostJsonAsync(Url("not-an-id"), body)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await StoredAsync(inactive));
    }

    [Fact]
    public async Task The_batch_must_hold_1_to_200_segments()
    {
        var channel = await api.NewLiveChannelAsync();
        var tooMany = Enumerable.Range(0, 201).Select(i => (object)Segment($"Segment {i}.", Now.AddMinutes(-20).AddSeconds(i))).ToArray();

        await (await api.KeyClient().PostJsonAsync(Url(channel), Body())).AssertValidationProblemAsync("segments");
        await (await api.KeyClient().PostJsonAsync(Url(channel), new { })).AssertValidationProblemAsync("segments");
        await (await api.KeyClient().PostJsonAsync(Url(channel), Body(tooMany))).AssertValidationProblemAsync("segments");
        await (await api.KeyClient().PostJsonAsync(Url(channel), new { segments = new[] { Segment("Fine.", Now.AddMinutes(-1)) }, extra = 1 }))
            .AssertValidationProblemAsync("extra");
        Assert.Empty(await StoredAsync(channel));
    }

    [Theory]
    [InlineData("text", "   ")]
    [InlineData("text", "line one\u0000line two")]
    [InlineData("text", "tab\tinside")]
    [InlineData("text", null)]
    [InlineData("language", "fr")]
    [InlineData("language", null)]
    [InlineData("speaker", "   ")]
    public async Task A_bad_segment_field_is_named(string field, string? value)
    {
        var channel = await api.NewLiveChannelAsync();
        var bad = Segment("A fine segment.", Now.AddMinutes(-1));
        bad[field] = value;

        var response = await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment("Another fine one.", Now.AddMinutes(-2)), bad));

        await response.AssertValidationProblemAsync($"segments[1].{field}");
        Assert.Empty(await StoredAsync(channel));
    }

    [Fact]
    public async Task Text_longer_than_the_limit_is_refused()
    {
        var channel = await api.NewLiveChannelAsync();

        var response = await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment(new string('a', 2_001), Now.AddMinutes(-1))));

        await response.AssertValidationProblemAsync("segments[0].text");
        var fits = await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment(new string('a', 2_000), Now.AddMinutes(-1))));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Times_must_make_a_short_recent_segment()
    {
        var channel = await api.NewLiveChannelAsync();
        var ending = Segment("Ends before it starts.", Now.AddMinutes(-1));
        ending["endTime"] = ending["startTime"];
        var missing = Segment("No times.", Now.AddMinutes(-1));
        missing["startTime"] = null;
        missing["endTime"] = null;

        async Task RefusedAsync(object segment, params string[] fields) =>
            await (await api.KeyClient().PostJsonAsync(Url(channel), Body(segment))).AssertValidationProblemAsync(fields);

        await RefusedAsync(ending, "segments[0].endTime");
        await RefusedAsync(Segment("Too long.", Now.AddMinutes(-10), seconds: 301), "segments[0].endTime");
        await RefusedAsync(Segment("From the future.", Now.AddMinutes(6)), "segments[0].startTime");
        await RefusedAsync(Segment("Too old.", Now.AddHours(-2).AddMinutes(-1)), "segments[0].startTime");
        await RefusedAsync(missing, "segments[0].startTime", "segments[0].endTime");
        Assert.Empty(await StoredAsync(channel));

        var longest = await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment("Five minutes exactly.", Now.AddMinutes(-10), seconds: 300), Segment("Soon.", Now.AddMinutes(4))));
        Assert.Equal(2, (await longest.ReadJsonAsync())["stored"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_repeated_push_stores_nothing_more()
    {
        var channel = await api.NewLiveChannelAsync();
        var start = Now.AddMinutes(-5);
        var batch = Body(Segment("First.", start), Segment("Second.", start.AddSeconds(5)), Segment("First.", start));

        var first = await (await api.KeyClient().PostJsonAsync(Url(channel), batch)).ReadJsonAsync();
        var again = await (await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment("Second.", start.AddSeconds(5)), Segment("Third.", start.AddSeconds(10))))).ReadJsonAsync();
        var sameTimeOtherText = await (await api.KeyClient().PostJsonAsync(Url(channel), Body(Segment("First, corrected.", start)))).ReadJsonAsync();

        Assert.Equal((2, 1), (first["stored"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>()));
        Assert.Equal((1, 1), (again["stored"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal((1, 0), (sameTimeOtherText["stored"]!.GetValue<int>(), sameTimeOtherText["duplicates"]!.GetValue<int>()));
        Assert.Equal(["First, corrected.", "First.", "Second.", "Third."], (await StoredAsync(channel)).Select(s => s["text"].AsString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_same_batch_pushed_10_times_at_once_is_stored_once()
    {
        var channel = await api.NewLiveChannelAsync();
        var start = Now.AddMinutes(-15);
        var batch = Body(Enumerable.Range(0, 20).Select(i => (object)Segment($"Parallel segment {i}.", start.AddSeconds(i * 5))).ToArray());

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            await (await api.KeyClient().PostJsonAsync(Url(channel), batch)).ReadJsonAsync()));

        Assert.Equal(20, responses.Sum(r => r["stored"]!.GetValue<int>()));
        Assert.Equal(180, responses.Sum(r => r["duplicates"]!.GetValue<int>()));
        var stored = await StoredAsync(channel);
        Assert.Equal(20, stored.Count);
        Assert.Equal(20, stored.Select(s => s["segment_key"].AsString).Distinct().Count());
    }

    [Fact]
    public async Task Segments_expire_after_the_retention()
    {
        var indexes = await (await Segments.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);

        var ttl = Assert.Single(indexes, i => i.Contains("expireAfterSeconds"));
        Assert.Equal(new BsonDocument("start_time", 1), ttl["key"].AsBsonDocument);
        Assert.Equal(7200, ttl["expireAfterSeconds"].ToInt64());
        var unique = Assert.Single(indexes, i => i["key"].AsBsonDocument.Contains("segment_key"));
        Assert.True(unique["unique"].ToBoolean());
    }

    [Fact]
    public async Task The_document_offers_the_key_or_an_admin_token_and_shows_the_limits()
    {
        await api.AssertOperationAsync("/api/live/channels/{channelId}/transcript", "post", "IngestLiveTranscript", "200", "400", "401", "403", "404");
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct)).ReadJsonAsync();
        var operation = document["paths"]!["/api/live/channels/{channelId}/transcript"]!["post"]!;

        var alternatives = operation["security"]!.AsArray().Select(r => string.Join(",", r!.AsObject().Select(s => s.Key))).ToList();
        Assert.Equal(["TranscriptIngestKey", "TranscriptIngestKeyAdmin"], alternatives);
        Assert.Contains("X-Api-Key", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("apiKey", schemes["TranscriptIngestKey"]!["type"]!.GetValue<string>());
        Assert.Equal("header", schemes["TranscriptIngestKey"]!["in"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", schemes["TranscriptIngestKey"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["TranscriptIngestKeyAdmin"]!["scheme"]!.GetValue<string>());
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(200, schemas["IngestTranscriptRequest"]!["properties"]!["segments"]!["maxItems"]!.GetValue<int>());
        var segment = schemas["TranscriptSegment"]!;
        Assert.Equal(2000, segment["properties"]!["text"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["en", "es", "he"], segment["properties"]!["language"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}

/// <summary>The shared host has no Recaps:IngestKeys: only admins may push.</summary>
public sealed class IngestWithoutKeysTests(ApiFactory api)
{
    [Fact]
    public async Task Without_configured_keys_only_an_admin_may_push()
    {
        var channel = await api.NewLiveChannelAsync();
        var admin = await api.SignUpAsync(role: Roles.Admin);
        var start = DateTime.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var end = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var body = new { segments = new[] { new { text = "Only an admin.", startTime = start, endTime = end, language = "en" } } };
        var keyed = api.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", IngestApiFactory.Key);

        await (await keyed.PostJsonAsync($"/api/live/channels/{channel}/transcript", body)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var byAdmin = await api.ClientFor(admin).PostJsonAsync($"/api/live/channels/{channel}/transcript", body);

        Assert.Equal(1, (await byAdmin.ReadJsonAsync())["stored"]!.GetValue<int>());
        Assert.Equal(1, await api.Raw("livetranscriptsegment").CountDocumentsAsync(new BsonDocument("channel_id", channel), cancellationToken: Http.Ct));
    }
}
