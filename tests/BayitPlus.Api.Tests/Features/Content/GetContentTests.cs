using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class GetContentTests(ApiFactory api)
{
    [Fact]
    public async Task An_item_shows_its_taxonomy_and_details_in_camelCase_without_the_stream_url()
    {
        var item = Catalog.Item("סרט", ["movies", "judaism"], "documentary", "family", ["history"], ["jewish", "educational"], year: 2018, rating: 8.1, featured: true, views: 42);
        item.Description = "תיאור";
        item.Duration = "1:45:00";
        item.Cast = ["Dana Levi"];
        item.Director = "Avi Cohen";
        item.TmdbId = 123456;
        item.PrimarySectionId = "judaism";
        await api.InsertAsync(item);

        var body = await api.CreateClient().GetJsonAsync($"/api/content/{item.Id}");

        Assert.Equal(item.Id, body["id"]!.GetValue<string>());
        Assert.Equal("סרט", body["title"]!.GetValue<string>());
        Assert.Equal("תיאור", body["description"]!.GetValue<string>());
        Assert.Equal(["movies", "judaism"], body["sectionIds"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("judaism", body["primarySectionId"]!.GetValue<string>());
        Assert.Equal("documentary", body["contentFormat"]!.GetValue<string>());
        Assert.Equal("family", body["audienceId"]!.GetValue<string>());
        Assert.Equal(["history"], body["genreIds"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["jewish", "educational"], body["topicTags"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(2018, body["year"]!.GetValue<int>());
        Assert.Equal(8.1, body["rating"]!.GetValue<double>());
        Assert.Equal("1:45:00", body["duration"]!.GetValue<string>());
        Assert.Equal(6300, body["durationSeconds"]!.GetValue<int>());
        Assert.Equal(123456, body["tmdbId"]!.GetValue<int>());
        Assert.True(body["isFeatured"]!.GetValue<bool>());
        Assert.Equal(42, body["viewCount"]!.GetValue<long>());
        Assert.Null(body["streamUrl"]);
        Assert.Null(body["titleEn"]);
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    public async Task An_unknown_or_malformed_id_is_a_404_problem(string id)
    {
        var response = await api.CreateClient().GetAsync($"/api/content/{id}", Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
