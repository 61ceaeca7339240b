using System.Net;
using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Activity;

public sealed class WatchHistoryListTests(ApiFactory api)
{
    [Fact]
    public async Task Continue_watching_shows_started_unfinished_items_most_recent_first_with_their_position()
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var barely = await api.NewItemAsync();
        var first = await api.NewItemAsync();
        var done = await api.NewItemAsync();
        var second = await api.NewItemAsync();
        await client.ReportOkAsync(barely.Id, 50, 1000);
        await client.ReportOkAsync(first.Id, 300, 1000);
        await client.ReportOkAsync(done.Id, 950, 1000);
        await client.ReportOkAsync(second.Id, 600, 1200);

        var list = await client.GetJsonAsync("/api/users/me/continue-watching");

        Assert.Equal([second.Id, first.Id], list.ContentIds());
        var top = list["items"]![0]!;
        Assert.Equal(600, top["positionSeconds"]!.GetValue<int>());
        Assert.Equal(0.5, top["progress"]!.GetValue<double>(), 6);
        Assert.Equal("tv", top["deviceType"]!.GetValue<string>());
        Assert.Null(list["nextCursor"]);
    }

    [Fact]
    public async Task Entries_the_Python_system_wrote_are_finished_by_their_progress()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var almost = await api.NewItemAsync();
        var half = await api.NewItemAsync();
        // As the spec's model stores them: no position, no finished flag.
        foreach (var (item, progress, minutes) in new[] { (almost, 0.97, 2), (half, 0.5, 1) })
        {
            await api.History().InsertOneAsync(new BsonDocument
            {
                ["user_id"] = user.Id,
                ["content_id"] = item.Id,
                ["watched_at"] = DateTime.UtcNow.AddMinutes(-minutes),
                ["duration_watched"] = 600,
                ["progress"] = progress,
                ["device_type"] = "web",
                ["platform"] = "chrome",
            }, cancellationToken: Http.Ct);
        }

        var resume = await client.GetJsonAsync("/api/users/me/continue-watching");
        var finished = await client.GetJsonAsync("/api/users/me/history?finished=true");
        var unfinished = await client.GetJsonAsync("/api/users/me/history?finished=false");

        Assert.Equal([half.Id], resume.ContentIds());
        Assert.Equal([almost.Id], finished.ContentIds());
        Assert.True(finished["items"]![0]!["finished"]!.GetValue<bool>());
        Assert.Equal([half.Id], unfinished.ContentIds());
    }

    [Fact]
    public async Task Continue_watching_holds_at_most_twenty_items()
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var items = new List<string>();
        for (var i = 0; i < 22; i++)
        {
            var item = await api.NewItemAsync();
            await client.ReportOkAsync(item.Id, 500, 1000);
            items.Add(item.Id);
        }

        var list = await client.GetJsonAsync("/api/users/me/continue-watching");

        Assert.Equal(items.AsEnumerable().Reverse().Take(20), list.ContentIds());
    }

    [Fact]
    public async Task History_pages_most_recent_first_and_filters_on_finished()
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var item = await api.NewItemAsync();
            await client.ReportOkAsync(item.Id, i % 2 == 0 ? 950 : 100, 1000);
            ids.Add(item.Id);
        }

        var first = await client.GetJsonAsync("/api/users/me/history?limit=2");
        var second = await client.GetJsonAsync($"/api/users/me/history?limit=2&cursor={first["nextCursor"]}");
        var third = await client.GetJsonAsync($"/api/users/me/history?limit=2&cursor={second["nextCursor"]}");
        var finished = await client.GetJsonAsync("/api/users/me/history?finished=true");
        var unfinished = await client.GetJsonAsync("/api/users/me/history?finished=false");

        ids.Reverse();
        Assert.Equal(ids, [.. first.ContentIds(), .. second.ContentIds(), .. third.ContentIds()]);
        Assert.Null(third["nextCursor"]);
        Assert.Equal([ids[0], ids[2], ids[4]], finished.ContentIds());
        Assert.Equal([ids[1], ids[3]], unfinished.ContentIds());
        await (await client.GetAsync("/api/users/me/history?finished=maybe&limit=0&cursor=x", Http.Ct)).AssertValidationProblemAsync("finished", "limit", "cursor");
    }

    [Fact]
    public async Task History_pages_read_past_runs_of_hidden_items()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var (oldest, middle, newest) = (await api.NewItemAsync(), await api.NewItemAsync(), await api.NewItemAsync());
        var mature = await api.NewItemAsync(audience: "mature");
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "general" })).StatusCode);
        // Newest first: newest, 120 removed items (more than one batch), middle, the mature item and
        // 30 removed, oldest, 5 removed.
        var order = new List<string?> { newest.Id };
        order.AddRange(Enumerable.Repeat<string?>(null, 120));
        order.Add(middle.Id);
        order.Add(mature.Id);
        order.AddRange(Enumerable.Repeat<string?>(null, 30));
        order.Add(oldest.Id);
        order.AddRange(Enumerable.Repeat<string?>(null, 5));
        await api.InsertHistoryAsync(user.Id, order);

        var first = await client.GetJsonAsync("/api/users/me/history?limit=2");
        var second = await client.GetJsonAsync($"/api/users/me/history?limit=2&cursor={first["nextCursor"]}");

        Assert.Equal([newest.Id, middle.Id], first.ContentIds());
        Assert.NotNull(first["nextCursor"]);
        Assert.Equal([oldest.Id], second.ContentIds());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task A_page_reads_at_most_500_entries_and_may_be_empty_with_a_cursor_past_them()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var oldest = await api.NewItemAsync();
        // Newest first: 510 entries of items no longer in the catalog, then one shown.
        await api.InsertHistoryAsync(user.Id, [.. Enumerable.Repeat<string?>(null, 510), oldest.Id]);

        var first = await client.GetJsonAsync("/api/users/me/history");
        var second = await client.GetJsonAsync($"/api/users/me/history?cursor={first["nextCursor"]}");

        Assert.Empty(first.ContentIds());
        Assert.NotNull(first["nextCursor"]);
        Assert.Equal([oldest.Id], second.ContentIds());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task Deleted_content_is_left_out_of_both_lists()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var kept = await api.NewItemAsync();
        var removed = await api.NewItemAsync();
        await client.ReportOkAsync(kept.Id, 300);
        await client.ReportOkAsync(removed.Id, 300);

        await api.Content().DeleteOneAsync(c => c.Id == removed.Id, Http.Ct);

        Assert.Equal([kept.Id], (await client.GetJsonAsync("/api/users/me/continue-watching")).ContentIds());
        Assert.Equal([kept.Id], (await client.GetJsonAsync("/api/users/me/history")).ContentIds());
        Assert.Equal(2, (await api.StoredAsync(user.Id)).Count);
        await (await client.ReportAsync(removed.Id, 400)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("he", "הסרט")]
    [InlineData("en", "The Movie")]
    [InlineData("es", "La película")]
    public async Task Cards_are_localized_by_lang_or_accept_language(string language, string title)
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var item = await api.NewItemAsync("הסרט", english: "The Movie", spanish: "La película");
        await client.ReportOkAsync(item.Id, 300);

        var byQuery = await client.GetJsonAsync($"/api/users/me/continue-watching?lang={language}");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me/history");
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request, Http.Ct);
        var byHeader = await response.ReadJsonAsync();

        Assert.Equal(title, byQuery["items"]![0]!["content"]!["title"]!.GetValue<string>());
        Assert.Equal(title, byHeader["items"]![0]!["content"]!["title"]!.GetValue<string>());
        Assert.Equal(language, response.Content.Headers.ContentLanguage.Single());
    }

    [Theory]
    [InlineData("kids", new[] { "kids" })]
    [InlineData("family", new[] { "kids", "family" })]
    [InlineData("general", new[] { "kids", "family", "general" })]
    [InlineData("mature", new[] { "kids", "family", "general", "mature" })]
    [InlineData(null, new[] { "kids", "family", "general", "mature" })]
    public async Task The_profile_max_audience_hides_items_above_it(string? maxAudience, string[] shown)
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var byAudience = new Dictionary<string, string>();
        foreach (var audience in new[] { "mature", "general", "family", "kids" })
        {
            var item = await api.NewItemAsync(audience: audience);
            await client.ReportOkAsync(item.Id, 300);
            byAudience[audience] = item.Id;
        }

        var saved = await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience });
        Assert.Equal(maxAudience, (await saved.ReadJsonAsync())["maxAudience"]?.GetValue<string>());

        var expected = new[] { "kids", "family", "general", "mature" }.Where(shown.Contains).Select(a => byAudience[a]);
        Assert.Equal(expected, (await client.GetJsonAsync("/api/users/me/continue-watching")).ContentIds());
        Assert.Equal(expected, (await client.GetJsonAsync("/api/users/me/history")).ContentIds());
    }

    [Fact]
    public async Task An_item_without_an_audience_counts_as_general_under_a_limit()
    {
        var client = api.ClientFor(await api.SignUpAsync());
        var unclassified = await api.NewItemAsync();
        var unset = await api.Database.GetCollection<BsonDocument>("content").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(unclassified.Id)), new BsonDocument("$unset", new BsonDocument("audience_id", "")), cancellationToken: Http.Ct);
        Assert.Equal(1, unset.ModifiedCount);
        await client.ReportOkAsync(unclassified.Id, 300);

        await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "general" });
        var underGeneral = await client.GetJsonAsync("/api/users/me/history");
        await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "family" });
        var underFamily = await client.GetJsonAsync("/api/users/me/history");

        Assert.Equal([unclassified.Id], underGeneral.ContentIds());
        Assert.Empty(underFamily.ContentIds());
    }

    [Fact]
    public async Task A_profile_max_audience_outside_the_list_is_refused_and_one_stored_by_another_service_allows_kids_only()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var kids = await api.NewItemAsync(audience: "kids");
        var general = await api.NewItemAsync(audience: "general");
        await client.ReportOkAsync(general.Id, 300);
        await client.ReportOkAsync(kids.Id, 300);

        await (await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "teens" })).AssertValidationProblemAsync("maxAudience");
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "general" })).StatusCode);
        await api.Database.GetCollection<BsonDocument>(ProfileDocument.CollectionName).UpdateOneAsync(
            new BsonDocument("user_id", user.Id), new BsonDocument("$set", new BsonDocument("preferences.max_audience", "Teen")), cancellationToken: Http.Ct);

        Assert.Equal([kids.Id], (await client.GetJsonAsync("/api/users/me/continue-watching")).ContentIds());
    }

    [Fact]
    public async Task Another_users_history_is_never_reachable()
    {
        var owner = await api.SignUpAsync();
        var other = api.ClientFor(await api.SignUpAsync());
        var item = await api.NewItemAsync();
        await api.ClientFor(owner).ReportOkAsync(item.Id, 300);

        Assert.Empty((await other.GetJsonAsync("/api/users/me/history")).ContentIds());
        Assert.Empty((await other.GetJsonAsync("/api/users/me/continue-watching")).ContentIds());
        await (await other.DeleteAsync($"/api/users/me/history/{item.Id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/api/users/me/history/{item.Id}/restart", null, Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync("/api/users/me/history", Http.Ct)).StatusCode);
        await other.ReportOkAsync(item.Id, 10);

        var stored = Assert.Single(await api.StoredAsync(owner.Id));
        Assert.Equal(300, stored["position_seconds"].AsInt32);
    }

    [Fact]
    public async Task Remove_deletes_one_entry_and_clear_deletes_all()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var a = await api.NewItemAsync();
        var b = await api.NewItemAsync();
        var c = await api.NewItemAsync();
        foreach (var item in new[] { a, b, c })
        {
            await client.ReportOkAsync(item.Id, 300);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/users/me/history/{b.Id}", Http.Ct)).StatusCode);
        await (await client.DeleteAsync($"/api/users/me/history/{b.Id}", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/users/me/history/not-an-id", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([c.Id, a.Id], (await client.GetJsonAsync("/api/users/me/history")).ContentIds());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/users/me/history", Http.Ct)).StatusCode);
        Assert.Empty(await api.StoredAsync(user.Id));
    }

    [Fact]
    public async Task Anonymizing_a_deleted_account_deletes_its_history()
    {
        var user = await api.SignUpAsync();
        var bystander = await api.SignUpAsync();
        var item = await api.NewItemAsync();
        await api.ClientFor(user).ReportOkAsync(item.Id, 300);
        await api.ClientFor(bystander).ReportOkAsync(item.Id, 300);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(user).DeleteAsync("/api/users/me", Http.Ct)).StatusCode);
        var job = api.Services.GetRequiredService<AnonymizationJob>();

        await job.RunOnceAsync(Http.Ct);
        Assert.Single(await api.StoredAsync(user.Id));

        // Due now rather than in 30 days: the shared host's clock is the real one.
        await api.Database.GetCollection<BsonDocument>("user").UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("anonymize_after", DateTime.UtcNow.AddMinutes(-1))), cancellationToken: Http.Ct);
        await job.RunOnceAsync(Http.Ct);

        Assert.Empty(await api.StoredAsync(user.Id));
        Assert.Single(await api.StoredAsync(bystander.Id));
    }
}
