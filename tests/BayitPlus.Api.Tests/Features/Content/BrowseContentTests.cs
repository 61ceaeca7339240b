using System.Net;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class BrowseContentTests(ApiFactory api)
{
    /// <summary>Five items of one section (two also in a second one) and a legacy document written
    /// by another service without the featured flag, taxonomy or year.</summary>
    private async Task<(string Section, string Other)> InsertFilterCatalogAsync()
    {
        var section = Catalog.NewSlug();
        var other = Catalog.NewSlug();
        await api.InsertAsync(
            Catalog.Item("Drama movie", [section], "movie", "general", ["drama"], ["history"], year: 1995, featured: true),
            Catalog.Item("Comedy series", [section, other], "series", "family", ["comedy"], ["food"], year: 2005),
            Catalog.Item("Kids short", [section], "short", "kids", ["animation", "comedy"], ["educational"], year: 2015),
            Catalog.Item("Mature documentary", [other, section], "documentary", "mature", ["thriller", "drama"], ["history", "jewish"], year: 2020, featured: true),
            Catalog.Item("Clip", [section], "clip", "general", ["music"], ["music"]));
        await api.RawContent().InsertOneAsync(
            new BsonDocument { { "title", "Legacy" }, { "section_ids", new BsonArray { section } }, { "created_at", Catalog.NextCreatedAt() } },
            cancellationToken: Http.Ct);
        return (section, other);
    }

    [Theory]
    [InlineData("section={S}", "Drama movie|Comedy series|Kids short|Mature documentary|Clip|Legacy")]
    [InlineData("section={O}", "Comedy series|Mature documentary")]
    [InlineData("section={S}&section={O}", "Drama movie|Comedy series|Kids short|Mature documentary|Clip|Legacy")]
    [InlineData("section={S}&format=movie", "Drama movie")]
    [InlineData("section={S}&format=movie&format=clip", "Drama movie|Clip")]
    [InlineData("section={S}&audience=kids", "Kids short")]
    [InlineData("section={S}&audience=family&audience=mature", "Comedy series|Mature documentary")]
    [InlineData("section={S}&genre=drama", "Drama movie|Mature documentary")]
    [InlineData("section={S}&genre=animation&genre=music", "Kids short|Clip")]
    [InlineData("section={S}&topic=history", "Drama movie|Mature documentary")]
    [InlineData("section={S}&topic=food&topic=jewish", "Comedy series|Mature documentary")]
    [InlineData("section={S}&yearFrom=2005", "Comedy series|Kids short|Mature documentary")]
    [InlineData("section={S}&yearTo=2005", "Drama movie|Comedy series")]
    [InlineData("section={S}&yearFrom=2000&yearTo=2016", "Comedy series|Kids short")]
    [InlineData("section={S}&yearFrom=2005&yearTo=2005", "Comedy series")]
    [InlineData("section={S}&featured=true", "Drama movie|Mature documentary")]
    [InlineData("section={S}&featured=false", "Comedy series|Kids short|Clip|Legacy")]
    [InlineData("section={S}&genre=drama&audience=general", "Drama movie")]
    [InlineData("section={O}&genre=comedy&topic=food", "Comedy series")]
    [InlineData("section={S}&genre=drama&topic=food", "")]
    [InlineData("section={S}&format=documentary&audience=mature&genre=thriller&topic=jewish&yearFrom=2020&featured=true", "Mature documentary")]
    public async Task Filters_match_any_value_within_an_axis_and_all_axes_together(string query, string expected)
    {
        var (section, other) = await InsertFilterCatalogAsync();

        var page = await api.CreateClient().GetJsonAsync("/api/content?" + query.Replace("{S}", section).Replace("{O}", other));

        Assert.Equal(expected.Split('|', StringSplitOptions.RemoveEmptyEntries).Order(), page.Titles().Order());
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task Newest_is_the_default_order_and_ties_in_creation_time_fall_back_to_the_id()
    {
        var section = Catalog.NewSlug();
        var oldest = Catalog.Item("Oldest", [section]);
        var sameTime = Catalog.NextCreatedAt();
        var items = await api.InsertAsync(
            oldest,
            Catalog.Item("Tie 1", [section], createdAt: sameTime),
            Catalog.Item("Tie 2", [section], createdAt: sameTime),
            Catalog.Item("Newest", [section]));
        var ties = items[1..3].OrderByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Title);

        var byDefault = await api.CreateClient().GetJsonAsync($"/api/content?section={section}");
        var paged = await api.CreateClient().AllPagesAsync($"/api/content?section={section}&sort=newest", limit: 1);

        Assert.Equal(["Newest", .. ties, "Oldest"], byDefault.Titles());
        Assert.Equal(byDefault.Titles(), paged.Select(i => i["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Popular_pages_through_ties_in_view_count_without_repeating_or_skipping()
    {
        var section = Catalog.NewSlug();
        var items = await api.InsertAsync(
            Catalog.Item("A", [section], views: 5),
            Catalog.Item("B", [section], views: 9),
            Catalog.Item("C", [section], views: 5),
            Catalog.Item("D", [section], views: 1),
            Catalog.Item("E", [section], views: 9),
            Catalog.Item("F", [section], views: 5),
            Catalog.Item("G", [section], views: 0));
        var expected = items.OrderByDescending(i => i.ViewCount).ThenByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Title);

        var paged = await api.CreateClient().AllPagesAsync($"/api/content?section={section}&sort=popular", limit: 2);

        Assert.Equal(expected, paged.Select(i => i["title"]!.GetValue<string>()));
        Assert.Equal([9L, 9, 5, 5, 5, 1, 0], paged.Select(i => i["viewCount"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Popular_continues_after_the_last_item_when_items_with_the_same_count_are_added_between_pages()
    {
        var section = Catalog.NewSlug();
        var items = await api.InsertAsync([.. Enumerable.Range(1, 6).Select(i => Catalog.Item($"Tied {i}", [section], views: 7))]);
        var expected = items.OrderByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Title).ToList();
        var client = api.CreateClient();

        var first = await client.GetJsonAsync($"/api/content?section={section}&sort=popular&limit=3");
        await api.InsertAsync(Catalog.Item("Late tie", [section], views: 7), Catalog.Item("Late hit", [section], views: 100));
        var second = await client.GetJsonAsync($"/api/content?section={section}&sort=popular&limit=3&cursor={first["nextCursor"]}");

        Assert.Equal(expected[..3], first.Titles());
        Assert.Equal(expected[3..], second.Titles());
    }

    [Fact]
    public async Task Newest_page_two_continues_exactly_after_page_one_while_newer_items_are_added()
    {
        var section = Catalog.NewSlug();
        await api.InsertAsync([.. Enumerable.Range(1, 6).Select(i => Catalog.Item($"Item {i}", [section]))]);
        var client = api.CreateClient();

        var first = await client.GetJsonAsync($"/api/content?section={section}&limit=3");
        await api.InsertAsync(Catalog.Item("Newer 1", [section]), Catalog.Item("Newer 2", [section]));
        var second = await client.GetJsonAsync($"/api/content?section={section}&limit=3&cursor={first["nextCursor"]}");

        Assert.Equal(["Item 6", "Item 5", "Item 4"], first.Titles());
        Assert.Equal(["Item 3", "Item 2", "Item 1"], second.Titles());
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task Year_sorts_newest_release_first_with_items_without_a_year_last_across_pages()
    {
        var section = Catalog.NewSlug();
        var items = await api.InsertAsync(
            Catalog.Item("No year 1", [section]),
            Catalog.Item("1999", [section], year: 1999),
            Catalog.Item("2021 a", [section], year: 2021),
            Catalog.Item("No year 2", [section]),
            Catalog.Item("2010", [section], year: 2010),
            Catalog.Item("2021 b", [section], year: 2021));
        var expected = items.OrderByDescending(i => i.Year ?? int.MinValue).ThenByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Title);

        var paged = await api.CreateClient().AllPagesAsync($"/api/content?section={section}&sort=year", limit: 2);

        Assert.Equal(expected, paged.Select(i => i["title"]!.GetValue<string>()));
        Assert.Equal(["2021", "2021", "2010", "1999", "none", "none"], paged.Select(i => i["year"]?.ToString() ?? "none"));
    }

    [Fact]
    public async Task Rating_sorts_best_first_with_unrated_items_last_across_pages()
    {
        var section = Catalog.NewSlug();
        var items = await api.InsertAsync(
            Catalog.Item("Unrated", [section]),
            Catalog.Item("Good", [section], rating: 7.5),
            Catalog.Item("Best", [section], rating: 9.1),
            Catalog.Item("Also good", [section], rating: 7.5),
            Catalog.Item("Poor", [section], rating: 3));
        var expected = items.OrderByDescending(i => i.Rating ?? double.MinValue).ThenByDescending(i => i.Id, StringComparer.Ordinal).Select(i => i.Title);

        var paged = await api.CreateClient().AllPagesAsync($"/api/content?section={section}&sort=rating", limit: 2);

        Assert.Equal(expected, paged.Select(i => i["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_default_page_holds_20_items_and_limit_goes_up_to_100()
    {
        var section = Catalog.NewSlug();
        await api.InsertAsync([.. Enumerable.Range(1, 25).Select(i => Catalog.Item($"Item {i}", [section]))]);
        var client = api.CreateClient();

        var byDefault = await client.GetJsonAsync($"/api/content?section={section}");
        var max = await client.GetJsonAsync($"/api/content?section={section}&limit=100");

        Assert.Equal(20, byDefault.Titles().Length);
        Assert.NotNull(byDefault["nextCursor"]);
        Assert.Equal(25, max.Titles().Length);
        Assert.Null(max["nextCursor"]);
    }

    [Fact]
    public async Task Items_are_public_and_never_show_the_stream_url()
    {
        var section = Catalog.NewSlug();
        await api.InsertAsync(Catalog.Item("Streamed", [section], streamUrl: "https://vod.example.com/secret/master.m3u8"));

        var response = await api.CreateClient().GetAsync($"/api/content?section={section}", Http.Ct);

        var body = await response.Content.ReadAsStringAsync(Http.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("streamUrl", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format=film", "format")]
    [InlineData("format=movie&format=MOVIE", "format")]
    [InlineData("audience=adults", "audience")]
    [InlineData("sort=oldest", "sort")]
    [InlineData("yearFrom=2020&yearTo=2010", "yearFrom")]
    [InlineData("yearFrom=nineteen", "yearFrom")]
    [InlineData("yearFrom=-5", "yearFrom")]
    [InlineData("yearTo=99999", "yearTo")]
    [InlineData("featured=yes", "featured")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("section=Bad_Slug", "section")]
    [InlineData("genre=Drama", "genre")]
    [InlineData("topic=two%20words", "topic")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=AAAA", "cursor")]
    public async Task Invalid_parameters_are_400_naming_the_parameter(string query, string field)
    {
        var response = await api.CreateClient().GetAsync("/api/content?" + query, Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Several_invalid_parameters_are_all_named_and_too_many_values_of_one_axis_are_refused()
    {
        var tooMany = string.Join('&', Enumerable.Range(0, BrowseContent.MaxValuesPerAxis + 1).Select(i => $"genre=g{i}"));

        var response = await api.CreateClient().GetAsync($"/api/content?{tooMany}&format=film&limit=0", Http.Ct);

        await response.AssertValidationProblemAsync("genre", "format", "limit");
    }

    [Fact]
    public async Task A_cursor_of_another_sort_order_is_a_400_naming_cursor()
    {
        var section = Catalog.NewSlug();
        await api.InsertAsync(Catalog.Item("One", [section]), Catalog.Item("Two", [section]));
        var client = api.CreateClient();
        var newest = await client.GetJsonAsync($"/api/content?section={section}&limit=1");

        var response = await client.GetAsync($"/api/content?section={section}&limit=1&sort=popular&cursor={newest["nextCursor"]}", Http.Ct);

        await response.AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task Empty_parameters_count_as_absent()
    {
        var section = Catalog.NewSlug();
        await api.InsertAsync(Catalog.Item("Only", [section]));

        var page = await api.CreateClient().GetJsonAsync($"/api/content?section={section}&format=&yearFrom=&sort=&limit=&cursor=&featured=");

        Assert.Equal(["Only"], page.Titles());
    }
}
