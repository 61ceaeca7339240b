using System.Net;
using BayitPlus.Api.Features.Content.Admin;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>With the default configuration (no private networks), feeds on this machine are refused
/// before any connection is made.</summary>
public sealed class ForbiddenFeedAddressTests(ApiFactory api) : IAsyncLifetime
{
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync() => _feeds = await FeedServer.StartAsync();

    public ValueTask DisposeAsync() => _feeds.DisposeAsync();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_feed_on_a_loopback_address_is_a_422_naming_rssFeedUrl_and_is_never_requested(string host)
    {
        var url = _feeds.Serve(Feeds.Rss(new Feeds.Item("ep-1", "First", "https://cdn.example.com/1.mp3"))).Replace("127.0.0.1", host, StringComparison.Ordinal);
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var id = (await (await admin.PostJsonAsync("/api/admin/podcasts", new { title = "Local", rssFeedUrl = url })).ReadJsonAsync())["id"]!.GetValue<string>();

        var response = await admin.PostAsync($"/api/admin/podcasts/{id}/sync", null, Http.Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("rssFeedUrl", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("non-public", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, _feeds.Hits(url));
        Assert.Equal(0, await api.Database.GetCollection<BsonDocument>("podcastepisode").CountDocumentsAsync(new BsonDocument("podcast_id", id), cancellationToken: Http.Ct));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.10.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("151.101.1.1", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("64:ff9b::808:808", true)]
    public void Only_public_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, PublicNetwork.IsPublic(IPAddress.Parse(address)));
}
