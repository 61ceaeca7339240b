using System.Net;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class ContentStatsTests(ApiFactory api)
{
    [Fact]
    public async Task Stats_group_featured_content_by_primary_section_with_views_and_counts()
    {
        var first = Catalog.NewSlug("p");
        var second = Catalog.NewSlug("p");
        await api.InsertAsync(
            Catalog.Item("F1", [first, second], featured: true, views: 10),
            Catalog.Item("F2", [first], featured: true, views: 20),
            Catalog.Item("F3", [second, first], featured: true, views: 5),
            Catalog.Item("Not featured", [first], featured: false, views: 1000));
        var client = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var stats = await client.GetJsonAsync("/api/admin/content/stats");

        var bySection = stats["bySection"]!.AsArray()
            .Select(s => (Section: s!["primarySectionId"]?.GetValue<string>(), Views: s["totalViews"]!.GetValue<long>(), Count: s["contentCount"]!.GetValue<long>()))
            .Where(s => s.Section == first || s.Section == second)
            .ToList();
        Assert.Equal([(first, 30L, 2L), (second, 5L, 1L)], bySection);
    }

    /// <summary>The top list spans the whole shared catalog: these counts are far above any other
    /// test's items, so the top two are this test's.</summary>
    [Fact]
    public async Task Top_lists_the_most_viewed_items_localized_up_to_the_requested_number()
    {
        var hits = await api.InsertAsync(
            Catalog.Item("שלישי", ["top"], views: 3_000_000_000_000),
            Catalog.Item("ראשון", ["top"], views: 5_000_000_000_000),
            Catalog.Item("שני", ["top"], views: 4_000_000_000_000));
        hits[1].TitleEn = "First";
        await api.Content().ReplaceOneAsync(c => c.Id == hits[1].Id, hits[1], cancellationToken: Http.Ct);
        await api.InsertAsync([.. Enumerable.Range(0, 12).Select(i => Catalog.Item($"Filler {i}", ["filler"], views: i))]);
        var client = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var two = await client.GetJsonAsync("/api/admin/content/stats?top=2&lang=en");
        var byDefault = await client.GetJsonAsync("/api/admin/content/stats");

        var top = two["top"]!.AsArray();
        Assert.Equal(["First", "שני"], top.Select(t => t!["title"]!.GetValue<string>()));
        Assert.Equal([hits[1].Id, hits[2].Id], top.Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal([5_000_000_000_000L, 4_000_000_000_000], top.Select(t => t!["viewCount"]!.GetValue<long>()));
        Assert.Equal(10, byDefault["top"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("ten")]
    public async Task Top_out_of_range_is_a_400_naming_top(string top)
    {
        var client = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await client.GetAsync($"/api/admin/content/stats?top={top}", Http.Ct);

        await response.AssertValidationProblemAsync("top");
    }

    [Fact]
    public async Task Stats_are_for_admins_only()
    {
        var anonymous = await api.CreateClient().GetAsync("/api/admin/content/stats", Http.Ct);
        var user = await (await api.SignedInClientAsync(Roles.User)).Client.GetAsync("/api/admin/content/stats", Http.Ct);
        var beta = await (await api.SignedInClientAsync(Roles.Beta)).Client.GetAsync("/api/admin/content/stats", Http.Ct);

        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await user.AssertProblemAsync(HttpStatusCode.Forbidden);
        await beta.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
