using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Support;

namespace BayitPlus.Api.Tests.Features.Content;

/// <summary>Catalog texts in the language of <c>lang</c> or <c>Accept-Language</c>, falling back to
/// Hebrew, with <c>Content-Language</c> naming the choice.</summary>
public sealed class ContentLanguageTests(ApiFactory api)
{
    private async Task<ContentDocument> InsertTranslatedAsync(bool withSpanish = true)
    {
        var item = Catalog.Item("הקיץ האחרון", [Catalog.NewSlug()]);
        item.Description = "שתי אחיות חוזרות הביתה.";
        item.TitleEn = "The Last Summer";
        item.DescriptionEn = "Two sisters come home.";
        if (withSpanish)
        {
            item.TitleEs = "El último verano";
            item.DescriptionEs = "Dos hermanas vuelven a casa.";
        }

        await api.InsertAsync(item);
        return item;
    }

    private async Task<(string Language, string Title, string Description)> GetAsync(string url, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        var response = await api.CreateClient().SendAsync(request, Http.Ct);
        var body = await response.ReadJsonAsync();
        var item = body["items"] is { } items ? items[0]!.AsObject() : body;
        return (string.Join(',', response.Content.Headers.ContentLanguage), item["title"]!.GetValue<string>(), item["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accept_Language_english_gives_the_english_texts_and_says_so()
    {
        var item = await InsertTranslatedAsync();

        var answer = await GetAsync($"/api/content/{item.Id}", "en-US,en;q=0.9");

        Assert.Equal(("en", "The Last Summer", "Two sisters come home."), answer);
    }

    [Fact]
    public async Task The_lang_parameter_overrides_the_header()
    {
        var item = await InsertTranslatedAsync();

        var answer = await GetAsync($"/api/content/{item.Id}?lang=es", "en-US,en;q=0.9");

        Assert.Equal(("es", "El último verano", "Dos hermanas vuelven a casa."), answer);
    }

    [Fact]
    public async Task A_missing_translation_falls_back_to_hebrew()
    {
        var item = await InsertTranslatedAsync(withSpanish: false);

        var answer = await GetAsync($"/api/content/{item.Id}?lang=es", null);

        Assert.Equal(("es", "הקיץ האחרון", "שתי אחיות חוזרות הביתה."), answer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fr-FR,de;q=0.8")]
    [InlineData("*")]
    public async Task No_or_unknown_languages_give_hebrew(string? acceptLanguage)
    {
        var item = await InsertTranslatedAsync();

        var answer = await GetAsync($"/api/content/{item.Id}", acceptLanguage);

        Assert.Equal(("he", "הקיץ האחרון", "שתי אחיות חוזרות הביתה."), answer);
    }

    [Fact]
    public async Task An_unknown_lang_parameter_falls_back_to_the_header()
    {
        var item = await InsertTranslatedAsync();

        var answer = await GetAsync($"/api/content/{item.Id}?lang=fr", "es-AR");

        Assert.Equal(("es", "El último verano", "Dos hermanas vuelven a casa."), answer);
    }

    [Fact]
    public async Task Browse_pages_are_localized_too()
    {
        var item = await InsertTranslatedAsync();

        var answer = await GetAsync($"/api/content?section={item.SectionIds[0]}", "es-ES,es;q=0.9,en;q=0.5");

        Assert.Equal(("es", "El último verano", "Dos hermanas vuelven a casa."), answer);
    }
}
