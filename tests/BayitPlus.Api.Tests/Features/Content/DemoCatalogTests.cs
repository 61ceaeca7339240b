using System.Text.RegularExpressions;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>The demo catalog's data covers every axis in three languages.</summary>
public sealed partial class DemoCatalogDataTests
{
    private static readonly DemoCatalogData Demo = DemoCatalog.Create(new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Items_cover_every_format_and_audience_several_sections_genres_and_topics()
    {
        Assert.InRange(Demo.Content.Count, 24, 60);
        Assert.Equal(Taxonomy.Formats.Order(), Demo.Content.Select(c => c.ContentFormat!).Distinct().Order());
        Assert.Equal(Taxonomy.Audiences.Order(), Demo.Content.Select(c => c.AudienceId!).Distinct().Order());
        Assert.True(Demo.Content.SelectMany(c => c.SectionIds).Distinct().Count() >= 5, "several sections");
        Assert.True(Demo.Content.Count(c => c.SectionIds.Count > 1) >= 5, "cross-listed items");
        Assert.True(Demo.Content.SelectMany(c => c.GenreIds).Distinct().Count() >= 8, "several genres");
        Assert.True(Demo.Content.SelectMany(c => c.TopicTags).Distinct().Count() >= 8, "several topics");
        Assert.All(Demo.Content, c => Assert.Equal(c.SectionIds[0], c.PrimarySectionId));
        Assert.All(Demo.Content.SelectMany(c => c.SectionIds.Concat(c.GenreIds).Concat(c.TopicTags)), slug => Assert.Matches(Taxonomy.SlugPattern, slug));
    }

    [Fact]
    public void Items_vary_in_year_rating_and_featured_and_have_playable_streams()
    {
        Assert.True(Demo.Content.Select(c => c.Year).Distinct().Count() >= 8, "several years");
        Assert.All(Demo.Content, c => Assert.InRange(c.Rating!.Value, 0, 10));
        Assert.All(Demo.Content, c => Assert.Matches(Duration(), c.Duration!));
        Assert.InRange(Demo.Content.Count(c => c.IsFeatured), 4, Demo.Content.Count - 4);
        Assert.All(Demo.Content, c => Assert.StartsWith("https://", c.StreamUrl, StringComparison.Ordinal));
        Assert.Equal(Demo.Content.Count, Demo.Content.Select(c => c.CreatedAt).Distinct().Count());
        Assert.Equal(Demo.Content.Count, Demo.Content.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void Every_item_has_unique_titles_and_descriptions_in_hebrew_english_and_spanish()
    {
        Assert.NotEmpty(Demo.Content);
        string?[][] texts =
        [
            [.. Demo.Content.Select(c => c.Title)], [.. Demo.Content.Select(c => c.TitleEn)], [.. Demo.Content.Select(c => c.TitleEs)],
            [.. Demo.Content.Select(c => c.Description)], [.. Demo.Content.Select(c => c.DescriptionEn)], [.. Demo.Content.Select(c => c.DescriptionEs)],
        ];

        Assert.All(texts, language =>
        {
            Assert.All(language, text => Assert.False(string.IsNullOrWhiteSpace(text)));
            Assert.Equal(language.Length, language.Distinct().Count());
        });
        Assert.All(Demo.Content, c => Assert.Matches(HebrewLetters(), c.Title));
        Assert.All(Demo.Content, c => Assert.DoesNotMatch(HebrewLetters(), c.TitleEn!));
        Assert.All(Demo.Content, c => Assert.NotEqual(c.TitleEn, c.TitleEs));
    }

    [Fact]
    public void Podcasts_have_episodes_and_channels_and_stations_are_distinct()
    {
        Assert.NotEmpty(Demo.Podcasts);
        Assert.All(Demo.Podcasts, p =>
        {
            var episodes = Demo.Episodes.Where(e => e.PodcastId == p.Id).ToList();
            Assert.True(episodes.Count >= 3, $"{p.Title} has {episodes.Count} episodes");
            Assert.Equal(p.EpisodeCount, episodes.Count);
            Assert.Equal(episodes.Count, episodes.Select(e => e.EpisodeNumber).Distinct().Count());
        });
        Assert.Equal(Demo.Podcasts.Count, Demo.Podcasts.Select(p => p.RssFeedUrl).Distinct().Count());
        Assert.True(Demo.Channels.Count >= 3);
        Assert.Equal(Demo.Channels.Count, Demo.Channels.Select(c => c.ChannelNumber).Distinct().Count());
        Assert.True(Demo.Stations.Count >= 3);
        Assert.True(Demo.Stations.Select(s => s.Genre).Distinct().Count() >= 3);
    }

    [GeneratedRegex(@"^\d+:\d{2}:\d{2}$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"\p{IsHebrew}")]
    private static partial Regex HebrewLetters();
}

/// <summary>The tests' factory names a MongoDB URI, so the demo catalog is never added to it.</summary>
public sealed class DemoCatalogNotSeededTests(ApiFactory api)
{
    [Fact]
    public async Task A_configured_mongodb_uri_is_never_seeded()
    {
        var seeder = api.Services.GetServices<IHostedService>().OfType<DemoCatalogSeeder>().Single();
        await seeder.ExecuteTask!.WaitAsync(Http.Ct);
        var demo = DemoCatalog.Create(DateTime.UtcNow);

        // Other tests' items share this database: only the demo catalog's own titles and channel
        // names (no test uses them) tell whether it was seeded.
        var titles = Builders<BsonDocument>.Filter.In("title", demo.Content.Select(c => c.Title));
        var channels = Builders<BsonDocument>.Filter.In("channel_name", demo.Channels.Select(c => c.ChannelName));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("content").CountDocumentsAsync(titles, cancellationToken: Http.Ct));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("livechannel").CountDocumentsAsync(channels, cancellationToken: Http.Ct));
    }
}

/// <summary>The same API told it runs on its embedded emulator seeds the demo catalog once.</summary>
public sealed class DemoCatalogSeededTests(DemoCatalogSeededTests.EmbeddedEmulatorFactory api) : IClassFixture<DemoCatalogSeededTests.EmbeddedEmulatorFactory>
{
    public sealed class EmbeddedEmulatorFactory : ApiFactory
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton(new MongoSettings { ConnectionString = Backend.ConnectionString, DatabaseName = DatabaseName, IsEmbeddedEmulator = true }));
    }

    private Task<long> CountAsync(string collection) =>
        api.Database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Http.Ct);

    [Fact]
    public async Task An_empty_catalog_on_the_embedded_emulator_is_seeded_once_and_browsable()
    {
        var seeder = api.Services.GetServices<IHostedService>().OfType<DemoCatalogSeeder>().Single();
        await seeder.ExecuteTask!.WaitAsync(Http.Ct);
        var demo = DemoCatalog.Create(DateTime.UtcNow);

        Assert.Equal(demo.Content.Count, await CountAsync("content"));
        Assert.Equal(demo.Podcasts.Count, await CountAsync("podcast"));
        Assert.Equal(demo.Episodes.Count, await CountAsync("podcastepisode"));
        Assert.Equal(demo.Channels.Count, await CountAsync("livechannel"));
        Assert.Equal(demo.Stations.Count, await CountAsync("radiostation"));

        var again = ActivatorUtilities.CreateInstance<DemoCatalogSeeder>(api.Services);
        await again.StartAsync(Http.Ct);
        await again.ExecuteTask!.WaitAsync(Http.Ct);
        Assert.Equal(demo.Content.Count, await CountAsync("content"));

        var home = await api.CreateClient().GetJsonAsync("/api/content/home?lang=en");
        Assert.Equal(demo.Content.Where(c => c.IsFeatured).Select(c => c.TitleEn), home["featured"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()));
    }
}
