using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

public sealed class SearchAndAudioOpenApiTests(ApiFactory api)
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
    public Task The_openapi_document_describes_each_endpoint_and_its_errors(string path, string method, string operationId, params string[] statuses)
        => api.AssertOperationAsync(path, method, operationId, statuses);
}
