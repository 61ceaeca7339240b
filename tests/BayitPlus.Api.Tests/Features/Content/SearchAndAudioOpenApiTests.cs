using System.Net;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class SearchAndAudioOpenApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/search", "get", "SearchContent", "200", "400")]
    [InlineData("/api/search/{searchId}/click", "post", "RecordSearchClick", "204", "400", "404")]
    [InlineData("/api/podcasts", "get", "ListPodcasts", "200", "400")]
    [InlineData("/api/podcasts/{id}", "get", "GetPodcast", "200", "404")]
    [InlineData("/api/podcasts/{id}/episodes", "get", "ListPodcastEpisodes", "200", "400", "404")]
    [InlineData("/api/podcasts/{id}/episodes/{episodeId}", "get", "GetPodcastEpisode", "200", "404")]
    [InlineData("/api/live/channels", "get", "ListLiveChannels", "200", "400")]
    [InlineData("/api/live/channels/{id}", "get", "GetLiveChannel", "200", "404")]
    [InlineData("/api/radio/stations", "get", "ListRadioStations", "200", "400")]
    [InlineData("/api/radio/stations/{id}", "get", "GetRadioStation", "200", "404")]
    public async Task The_openapi_document_describes_each_endpoint_and_its_errors(string path, string method, string operationId, params string[] statuses)
    {
        var response = await api.CreateClient().GetAsync("/openapi/v1.json", Http.Ct);

        var document = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operation = document["paths"]?[path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document");
        Assert.Equal(operationId, operation["operationId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()));
        Assert.Equal(statuses.Order(StringComparer.Ordinal), operation["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
    }
}
