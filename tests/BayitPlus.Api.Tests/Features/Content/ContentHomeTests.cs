using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class ContentHomeTests(ContentHomeTests.SmallRailsFactory api) : IClassFixture<ContentHomeTests.SmallRailsFactory>
{
    /// <summary>Rails of two items and at most two sections, so a handful of items shows the limits.</summary>
    public sealed class SmallRailsFactory : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Content:HomeRailSize"] = "2",
            ["Content:HomeSections"] = "2",
        };
    }

    [Fact]
    public async Task Home_has_the_newest_featured_items_and_the_biggest_sections_newest_first_localized()
    {
        var client = api.CreateClient();
        var empty = await client.GetJsonAsync("/api/content/home");
        Assert.Empty(empty["featured"]!.AsArray());
        Assert.Empty(empty["rails"]!.AsArray());

        ContentDocument[] items =
        [
            Catalog.Item("Alpha 1", ["alpha"], featured: true),
            Catalog.Item("Alpha 2 and gamma", ["alpha", "gamma"]),
            Catalog.Item("Beta 1", ["beta"], featured: true),
            Catalog.Item("Alpha 3", ["alpha"]),
            Catalog.Item("Gamma and beta", ["gamma", "beta"], featured: true),
            Catalog.Item("Not featured", ["delta"], featured: false),
        ];
        items[4].TitleEs = "Gamma y beta";
        items[4].Duration = "0:47:00";
        items[2].Duration = "47 minutes";
        await api.InsertAsync(items);
        await api.EvictCatalogCacheAsync();

        var home = await client.GetJsonAsync("/api/content/home");

        Assert.Equal(["Gamma and beta", "Beta 1"], home["featured"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()));
        var rails = home["rails"]!.AsArray().Select(r => (
            Section: r!["sectionId"]!.GetValue<string>(),
            Titles: string.Join('|', r["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>())))).ToList();
        // alpha has 3 items; beta and gamma 2 each (the tie goes by id); delta's rail is beyond the 2 sections shown.
        Assert.Equal([("alpha", "Alpha 3|Alpha 2 and gamma"), ("beta", "Gamma and beta|Beta 1")], rails);
        // Rails are content cards: the stored duration text and its seconds, null when unreadable.
        Assert.Equal(["0:47:00", "47 minutes"], home["featured"]!.AsArray().Select(i => i!["duration"]!.GetValue<string>()));
        Assert.Equal(new int?[] { 2820, null }, home["featured"]!.AsArray().Select(i => i!["durationSeconds"]?.GetValue<int>()));
        Assert.Equal(new int?[] { 2820, null }, home["rails"]![1]!["items"]!.AsArray().Select(i => i!["durationSeconds"]?.GetValue<int>()));
        var spanish = await client.GetJsonAsync("/api/content/home?lang=es");
        Assert.Equal("Gamma y beta", spanish["featured"]![0]!["title"]!.GetValue<string>());
        Assert.Equal("Gamma y beta", spanish["rails"]![1]!["items"]![0]!["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Content:HomeRailSize", "0")]
    [InlineData("Content:HomeSections", "51")]
    public async Task Rail_settings_out_of_range_stop_the_api_from_starting(string key, string value)
    {
        await using var factory = new MisconfiguredFactory(key, value);

        await Assert.ThrowsAnyAsync<Exception>(async () => await factory.InitializeAsync());
    }

    private sealed class MisconfiguredFactory(string key, string value) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { [key] = value };
    }
}
