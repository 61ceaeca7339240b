using System.Net;
using BayitPlus.Api.Features.Activity;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Activity;

/// <summary>On the fake clock: watched time is measured against the time between reports.</summary>
[Collection<FakeClockCollection>]
public sealed class ReportProgressTests(FakeClockApiFactory api)
{
    private const int Slack = ReportProgress.SlackSeconds;

    private void Wait(int seconds) => api.Clock.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task First_report_creates_one_entry_with_progress_and_at_most_the_slack_as_watched_time()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();

        var body = await api.ClientFor(user).ReportOkAsync(item.Id, 300, 1200, "mobile", "ios");

        Assert.Equal(item.Id, body["contentId"]!.GetValue<string>());
        Assert.Equal(0.25, body["progress"]!.GetValue<double>(), 6);
        Assert.Equal(300, body["positionSeconds"]!.GetValue<int>());
        Assert.False(body["finished"]!.GetValue<bool>());
        var stored = Assert.Single(await api.StoredAsync(user.Id));
        Assert.Equal(item.Id, stored["content_id"].AsString);
        Assert.Equal(0.25, stored["progress"].AsDouble, 6);
        // Nothing before it to measure from: a player that starts mid-item has not watched the start.
        Assert.Equal(Slack, stored["duration_watched"].AsInt32);
        Assert.Equal(1200, stored["duration_seconds"].AsInt32);
        Assert.Equal("mobile", stored["device_type"].AsString);
        Assert.Equal("ios", stored["platform"].AsString);
        Assert.Equal(BsonType.DateTime, stored["watched_at"].BsonType);
    }

    [Fact]
    public async Task Forward_reports_accumulate_watched_time_and_repeated_or_late_ones_add_nothing()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);

        await client.ReportOkAsync(item.Id, 10);
        Wait(10);
        await client.ReportOkAsync(item.Id, 20);
        await client.ReportOkAsync(item.Id, 20);
        Wait(230);
        await client.ReportOkAsync(item.Id, 250, deviceType: "tablet", platform: "android");
        Wait(10);
        var late = await client.ReportOkAsync(item.Id, 120, deviceType: "desktop", platform: "web");

        Assert.Equal(250, late["positionSeconds"]!.GetValue<int>());
        Assert.Equal(0.25, late["progress"]!.GetValue<double>(), 6);
        Assert.Equal(250, late["durationWatched"]!.GetValue<int>());
        var stored = Assert.Single(await api.StoredAsync(user.Id));
        Assert.Equal(250, stored["position_seconds"].AsInt32);
        Assert.Equal(250, stored["duration_watched"].AsInt32);
        Assert.Equal("tablet", stored["device_type"].AsString);
        Assert.Equal("android", stored["platform"].AsString);
    }

    [Fact]
    public async Task An_item_is_finished_from_the_threshold_and_a_position_past_the_end_counts_as_the_end()
    {
        var item = await api.NewItemAsync();
        var client = api.ClientFor(await api.SignUpAsync());

        var below = await client.ReportOkAsync(item.Id, 899, 1000);
        var at = await client.ReportOkAsync(item.Id, 900, 1000);
        var past = await client.ReportOkAsync(item.Id, 1010, 1000);

        Assert.False(below["finished"]!.GetValue<bool>());
        Assert.True(at["finished"]!.GetValue<bool>());
        Assert.Equal(1.0, past["progress"]!.GetValue<double>());
        Assert.Equal(1000, past["positionSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Restart_sets_progress_back_and_keeps_the_watched_time()
    {
        var item = await api.NewItemAsync();
        var client = api.ClientFor(await api.SignUpAsync());
        await client.ReportOkAsync(item.Id, 10, 300);
        Wait(270);
        Assert.True((await client.ReportOkAsync(item.Id, 280, 300))["finished"]!.GetValue<bool>());

        var restarted = await (await client.PostAsync($"/api/users/me/history/{item.Id}/restart", null, Http.Ct)).ReadJsonAsync();
        Wait(30);
        var after = await client.ReportOkAsync(item.Id, 30, 300);

        Assert.Equal(0, restarted["positionSeconds"]!.GetValue<int>());
        Assert.Equal(0.0, restarted["progress"]!.GetValue<double>());
        Assert.False(restarted["finished"]!.GetValue<bool>());
        Assert.Equal(280, restarted["durationWatched"]!.GetValue<int>());
        Assert.Equal(30, after["positionSeconds"]!.GetValue<int>());
        Assert.Equal(310, after["durationWatched"]!.GetValue<int>());
        await (await client.PostAsync($"/api/users/me/history/{(await api.NewItemAsync()).Id}/restart", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_forward_seek_counts_only_the_time_that_passed_plus_the_slack()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        await client.ReportOkAsync(item.Id, 0, 7200);
        Wait(10);
        await client.ReportOkAsync(item.Id, 10, 7200);
        Wait(10);

        var seeked = await client.ReportOkAsync(item.Id, 3610, 7200);

        Assert.Equal(3610, seeked["positionSeconds"]!.GetValue<int>());
        Assert.Equal(10 + 10 + Slack, seeked["durationWatched"]!.GetValue<int>());
        Assert.Equal(10 + 10 + Slack, Assert.Single(await api.StoredAsync(user.Id))["duration_watched"].AsInt32);
    }

    [Fact]
    public async Task A_report_sent_before_a_restart_and_arriving_after_it_changes_nothing()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        await client.ReportOkAsync(item.Id, 10, 1000);
        Wait(490);
        await client.ReportOkAsync(item.Id, 500, 1000);
        var restarted = await (await client.PostAsync($"/api/users/me/history/{item.Id}/restart", null, Http.Ct)).ReadJsonAsync();
        Wait(2);

        var late = await client.ReportOkAsync(item.Id, 510, 1000);

        Assert.Equal(0.0, late["progress"]!.GetValue<double>());
        Assert.Equal(0, late["positionSeconds"]!.GetValue<int>());
        Assert.Equal(restarted["durationWatched"]!.GetValue<int>(), late["durationWatched"]!.GetValue<int>());
        Assert.Equal(restarted["watchedAt"]!.GetValue<DateTime>(), late["watchedAt"]!.GetValue<DateTime>());
        var stored = Assert.Single(await api.StoredAsync(user.Id));
        Assert.Equal(0.0, stored["progress"].AsDouble);
        Assert.Equal(500, stored["duration_watched"].AsInt32);

        // Played from the start since: counted; and past the grace window a far position is a seek.
        Wait(8);
        Assert.Equal(10, (await client.ReportOkAsync(item.Id, 10, 1000))["positionSeconds"]!.GetValue<int>());
        Wait((int)ReportProgress.RestartGrace.TotalSeconds);
        Assert.Equal(700, (await client.ReportOkAsync(item.Id, 700, 1000))["positionSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_hundred_parallel_reports_leave_one_document_at_the_highest_position()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var positions = Enumerable.Range(1, 100).Select(i => i * 7 % 101 * 10).ToArray();

        var responses = await Task.WhenAll(positions.Select(p => client.ReportAsync(item.Id, p, 2000)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = Assert.Single(await api.StoredAsync(user.Id));
        Assert.Equal(positions.Max(), stored["position_seconds"].AsInt32);
        Assert.Equal(positions.Max() / 2000.0, stored["progress"].AsDouble, 6);
        // The clock stands still: each forward step counts at most the slack, never more than the furthest position.
        Assert.InRange(stored["duration_watched"].AsInt32, Slack, positions.Max());
    }

    [Theory]
    [InlineData("text", Slack)]
    [InlineData("1900", 300)]
    public async Task A_legacy_watched_at_that_is_text_or_a_century_old_does_not_fail_the_report(string legacy, int credited)
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        // As an older writer may have left it: watched_at as text, or a date too old for a 32-bit count of seconds.
        await api.History().InsertOneAsync(new BsonDocument
        {
            ["user_id"] = user.Id,
            ["content_id"] = item.Id,
            ["watched_at"] = legacy == "text" ? "2024-05-01T10:00:00Z" : new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            ["duration_watched"] = 100,
            ["progress"] = 0.1,
        }, cancellationToken: Http.Ct);

        var body = await api.ClientFor(user).ReportOkAsync(item.Id, 300, 1000);

        // Text counts as no previous report (the slack only); a century ago is capped at a day, so the whole step counts.
        Assert.Equal(100 + credited, body["durationWatched"]!.GetValue<int>());
        var stored = Assert.Single(await api.StoredAsync(user.Id));
        Assert.Equal(100 + credited, stored["duration_watched"].AsInt32);
        Assert.Equal(300, stored["position_seconds"].AsInt32);
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, stored["watched_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Unknown_or_malformed_content_is_a_404_and_nothing_is_stored()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);

        await (await client.ReportAsync(ObjectId.GenerateNewId().ToString(), 10)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.ReportAsync("not-an-id", 10)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Empty(await api.StoredAsync(user.Id));
    }

    [Fact]
    public async Task Invalid_reports_are_refused_naming_their_fields()
    {
        var item = await api.NewItemAsync();
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var url = $"/api/users/me/history/{item.Id}";

        await (await client.PutJsonAsync(url, new { positionSeconds = -1, durationSeconds = 0, deviceType = "fridge", platform = "Web OS" }))
            .AssertValidationProblemAsync("positionSeconds", "durationSeconds", "deviceType", "platform");
        await (await client.PutJsonAsync(url, new { durationSeconds = 100_000 })).AssertValidationProblemAsync("positionSeconds", "durationSeconds", "deviceType", "platform");
        await (await client.PutJsonAsync(url, new { positionSeconds = 1, durationSeconds = 10, deviceType = "tv", platform = "web", progress = 1.0 }))
            .AssertValidationProblemAsync("progress");

        Assert.Empty(await api.StoredAsync(user.Id));
    }

    [Fact]
    public async Task Every_history_endpoint_needs_a_token()
    {
        var anonymous = api.CreateClient();
        var id = ObjectId.GenerateNewId().ToString();

        await (await anonymous.ReportAsync(id, 1)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/users/me/history", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/users/me/continue-watching", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/users/me/history/{id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync("/api/users/me/history", Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync($"/api/users/me/history/{id}/restart", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
