using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Features.Content.Admin;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Every response gives a duration as <c>durationSeconds</c>; content keeps the spec's
/// <c>duration</c> text next to it, and what cannot be read is null, never a wrong number.</summary>
public sealed class DurationsTests(ApiFactory api)
{
    /// <summary>Stored content durations and what responses answer for them.</summary>
    private static readonly (string? Stored, int? Seconds)[] ContentCases =
    [
        ("1:45:00", 6300),
        ("0:03:30", 210),
        ("1:45", null),
        ("105 minutes", null),
        ("1:75:00", null),
        (null, null),
    ];

    [Theory]
    [InlineData("1:45:00", 6300)]
    [InlineData("0:00:00", 0)]
    [InlineData("0:03:30", 210)]
    [InlineData("01:45:00", 6300)]
    [InlineData("999:59:59", 3_599_999)]
    [InlineData(" 1:45:00 ", 6300)]
    [InlineData("1:45", null)]
    [InlineData("45", null)]
    [InlineData("1000:00:00", null)]
    [InlineData("1:60:00", null)]
    [InlineData("1:45:60", null)]
    [InlineData("1:5:00", null)]
    [InlineData("1:045:00", null)]
    [InlineData("1:45:00:00", null)]
    [InlineData("-1:45:00", null)]
    [InlineData("+1:45:00", null)]
    [InlineData("1:45:0a", null)]
    [InlineData("1:45:00.5", null)]
    [InlineData("١:٤٥:٠٠", null)]
    [InlineData("1 :45:00", null)]
    [InlineData("::", null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void A_content_duration_is_read_as_seconds_only_in_the_H_MM_SS_shape(string? text, int? seconds) =>
        Assert.Equal(seconds, Durations.Seconds(text));

    [Theory]
    [InlineData(1800, 1800)]
    [InlineData(0, 0)]
    [InlineData(-5, null)]
    [InlineData(null, null)]
    public void An_episode_duration_is_its_stored_seconds_and_a_negative_one_is_unknown(int? stored, int? seconds) =>
        Assert.Equal(seconds, Durations.Seconds(stored));

    /// <summary>What an admin may store is exactly what responses can read back as seconds.</summary>
    [Theory]
    [InlineData("1:45:00")]
    [InlineData("0:00:00")]
    [InlineData("999:59:59")]
    [InlineData("1000:00:00")]
    [InlineData("1:45")]
    [InlineData("1:60:00")]
    [InlineData("1:45:60")]
    [InlineData("١:٤٥:٠٠")]
    [InlineData("1:45:00.5")]
    public void The_admin_validator_accepts_a_duration_exactly_when_it_reads_as_seconds(string duration)
    {
        var validator = new ContentFields.Validator(TimeProvider.System);

        var result = validator.Validate(new ContentFields { Duration = duration });

        Assert.Equal(Durations.Seconds(duration) is not null, result.Errors.All(e => e.PropertyName != nameof(ContentFields.Duration)));
    }

    [Fact]
    public async Task Browse_search_detail_and_the_admin_view_answer_the_stored_text_and_its_seconds()
    {
        var section = Catalog.NewSlug("dur");
        var word = "d" + Guid.NewGuid().ToString("N")[..12];
        var items = ContentCases.Select((c, i) =>
        {
            var item = Catalog.Item($"{word} {i}", [section]);
            item.Duration = c.Stored;
            return item;
        }).ToArray();
        await api.InsertAsync(items);
        var client = api.CreateClient();
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var browsed = await client.GetJsonAsync($"/api/content?section={section}&limit=100");
        var searched = await client.GetJsonAsync($"/api/search?q={word}&limit=50");

        for (var i = 0; i < items.Length; i++)
        {
            var (stored, seconds) = ContentCases[i];
            var id = items[i].Id;
            AssertDuration(Find(browsed, id), stored, seconds);
            AssertDuration(Find(searched, id), stored, seconds);
            AssertDuration(await client.GetJsonAsync($"/api/content/{id}"), stored, seconds);
            AssertDuration(await admin.GetJsonAsync($"/api/admin/content/{id}"), stored, seconds);
        }
    }

    [Fact]
    public async Task Episodes_answer_their_stored_seconds_as_durationSeconds_and_no_duration()
    {
        var db = api.Services.GetRequiredService<MongoContext>();
        var podcast = new PodcastDocument { Title = "Durations", RssFeedUrl = $"https://feeds.example.com/{Guid.NewGuid():N}.xml", CreatedAt = DateTime.UtcNow };
        await db.Collection<PodcastDocument>(PodcastDocument.CollectionName).InsertOneAsync(podcast, cancellationToken: Http.Ct);
        int?[] stored = [1800, 0, -5, null];
        var episodes = stored.Select((seconds, i) => new PodcastEpisodeDocument
        {
            PodcastId = podcast.Id,
            Title = $"Episode {i}",
            AudioUrl = $"https://cdn.example.com/{Guid.NewGuid():N}.mp3",
            Duration = seconds,
            PublishedDate = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i),
        }).ToList();
        await db.Collection<PodcastEpisodeDocument>(PodcastEpisodeDocument.CollectionName).InsertManyAsync(episodes, cancellationToken: Http.Ct);
        var client = api.CreateClient();

        var list = await client.GetJsonAsync($"/api/podcasts/{podcast.Id}/episodes?limit=10");

        int?[] expected = [1800, 0, null, null];
        for (var i = 0; i < episodes.Count; i++)
        {
            foreach (var episode in new[] { Find(list, episodes[i].Id), await client.GetJsonAsync($"/api/podcasts/{podcast.Id}/episodes/{episodes[i].Id}") })
            {
                Assert.True(episode.ContainsKey("durationSeconds"), episode.ToJsonString());
                Assert.Equal(expected[i], episode["durationSeconds"]?.GetValue<int>());
                Assert.False(episode.ContainsKey("duration"), episode.ToJsonString());
            }
        }
    }

    private static JsonObject Find(JsonObject page, string id) =>
        page["items"]!.AsArray().Single(item => item!["id"]!.GetValue<string>() == id)!.AsObject();

    private static void AssertDuration(JsonObject item, string? stored, int? seconds)
    {
        Assert.True(item.ContainsKey("durationSeconds"), item.ToJsonString());
        Assert.Equal(stored, item["duration"]?.GetValue<string>());
        Assert.Equal(seconds, item["durationSeconds"]?.GetValue<int>());
    }
}
