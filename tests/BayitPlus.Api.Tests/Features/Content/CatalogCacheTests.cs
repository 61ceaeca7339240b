using BayitPlus.Api.Tests.Support;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Anonymous catalog reads come from the output cache until an admin change evicts it;
/// signed-in requests always see the database.</summary>
[Collection<CatalogCacheCollection>]
public sealed class CatalogCacheTests(LongCatalogCacheApiFactory api)
{
    private Task RenameAsync(string id, string title) =>
        api.Content().UpdateOneAsync(c => c.Id == id, Builders<Api.Features.Content.ContentDocument>.Update.Set(c => c.Title, title), cancellationToken: Http.Ct);

    [Fact]
    public async Task Anonymous_reads_are_served_from_the_cache_until_it_is_evicted()
    {
        var section = Catalog.NewSlug();
        var item = (await api.InsertAsync(Catalog.Item("Before", [section])))[0];
        var anonymous = api.CreateClient();
        var signedIn = (await api.SignedInClientAsync()).Client;
        Assert.Equal("Before", (await anonymous.GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());
        Assert.Equal(["Before"], (await anonymous.GetJsonAsync($"/api/content?section={section}")).Titles());

        await RenameAsync(item.Id, "After");

        Assert.Equal("Before", (await anonymous.GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());
        Assert.Equal(["Before"], (await anonymous.GetJsonAsync($"/api/content?section={section}")).Titles());
        Assert.Equal("After", (await signedIn.GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());

        await api.EvictCatalogCacheAsync();

        Assert.Equal("After", (await anonymous.GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());
        Assert.Equal(["After"], (await anonymous.GetJsonAsync($"/api/content?section={section}")).Titles());
    }

    [Fact]
    public async Task A_signed_in_read_does_not_fill_the_cache_for_anonymous_readers()
    {
        var item = (await api.InsertAsync(Catalog.Item("Before", [Catalog.NewSlug()])))[0];
        var signedIn = (await api.SignedInClientAsync()).Client;
        Assert.Equal("Before", (await signedIn.GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());

        await RenameAsync(item.Id, "After");

        Assert.Equal("After", (await api.CreateClient().GetJsonAsync($"/api/content/{item.Id}"))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_language_is_cached_apart()
    {
        var item = Catalog.Item("עברית", [Catalog.NewSlug()]);
        item.TitleEn = "English";
        await api.InsertAsync(item);
        var client = api.CreateClient();

        var hebrew = await client.GetJsonAsync($"/api/content/{item.Id}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/content/{item.Id}");
        request.Headers.Add("Accept-Language", "en");
        var english = await (await client.SendAsync(request, Http.Ct)).ReadJsonAsync();

        Assert.Equal("עברית", hebrew["title"]!.GetValue<string>());
        Assert.Equal("English", english["title"]!.GetValue<string>());
    }
}
