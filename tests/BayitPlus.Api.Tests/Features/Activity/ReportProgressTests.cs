using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Activity;

public sealed class ReportProgressTests(ApiFactory api)
{
    [Fact]
    public async Task First_report_creates_one_entry_with_progress_and_watched_time()
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
        Assert.Equal(300, stored["duration_watched"].AsInt32);
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

        await client.ReportOkAsync(item.Id, 100);
        await client.ReportOkAsync(item.Id, 110);
        await client.ReportOkAsync(item.Id, 110);
        await client.ReportOkAsync(item.Id, 250, deviceType: "tablet", platform: "android");
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
        Assert.Equal(1000, past["durationWatched"]!.GetValue<int>());
    }

    [Fact]
    public async Task Restart_sets_progress_back_and_keeps_the_watched_time()
    {
        var item = await api.NewItemAsync();
        var client = api.ClientFor(await api.SignUpAsync());
        await client.ReportOkAsync(item.Id, 950, 1000);

        var restarted = await (await client.PostAsync($"/api/users/me/history/{item.Id}/restart", null, Http.Ct)).ReadJsonAsync();
        var after = await client.ReportOkAsync(item.Id, 30, 1000);

        Assert.Equal(0, restarted["positionSeconds"]!.GetValue<int>());
        Assert.Equal(0.0, restarted["progress"]!.GetValue<double>());
        Assert.False(restarted["finished"]!.GetValue<bool>());
        Assert.Equal(950, restarted["durationWatched"]!.GetValue<int>());
        Assert.Equal(30, after["positionSeconds"]!.GetValue<int>());
        Assert.Equal(980, after["durationWatched"]!.GetValue<int>());
        await (await client.PostAsync($"/api/users/me/history/{(await api.NewItemAsync()).Id}/restart", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
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
        Assert.Equal(positions.Max(), stored["duration_watched"].AsInt32);
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
