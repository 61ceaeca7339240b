using System.Net;
using BayitPlus.Api.Features.Content;
using BayitPlus.Api.Tests.Features.Beta500;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.AiSearch.AiSearchData;

namespace BayitPlus.Api.Tests.Features.AiSearch;

public sealed class SearchAiTests(ApiFactory api)
{
    /// <summary>Three items on unrelated subjects, in a section of their own.</summary>
    private async Task<(string Section, ContentDocument Fisherman, ContentDocument Robots, ContentDocument Violin)> ThreeItemsAsync()
    {
        var section = Catalog.NewSlug("ai");
        var items = await api.CatalogAsync(
            Item(section, "Kinneret Dawn", "An old fisherman on the Sea of Galilee teaches his grandson to mend nets and read the weather.", genres: ["drama"], year: 1995),
            Item(section, "Circuit Breakers", "Teenagers build a robot for a national engineering competition.", format: "documentary", genres: ["science"], year: 2019),
            Item(section, "The Last Violin", "A musician survives the war and rebuilds his life through music.", genres: ["drama", "history"], year: 2008));
        return (section, items[0], items[1], items[2]);
    }

    [Fact]
    public async Task A_description_in_other_words_finds_the_item_that_text_search_cannot()
    {
        var (section, fisherman, _, _) = await ThreeItemsAsync();
        var member = api.ClientFor(await api.MemberAsync(100));
        const string query = "grandpa and a boy working on boats by a lake";

        var keyword = await api.CreateClient().GetJsonAsync($"/api/search?{Q(query)}&section={section}");
        var found = await member.AiSearchOkAsync($"{Q(query)}&section={section}");

        Assert.Empty(keyword["items"]!.AsArray());
        Assert.Equal(fisherman.Id, found.Ids()[0]);
        Assert.Equal("Kinneret Dawn", found["items"]![0]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_exact_title_comes_first()
    {
        var (section, _, robots, violin) = await ThreeItemsAsync();
        var member = api.ClientFor(await api.MemberAsync(100));

        Assert.Equal(robots.Id, (await member.AiSearchOkAsync($"{Q("Circuit Breakers")}&section={section}")).Ids()[0]);
        Assert.Equal(violin.Id, (await member.AiSearchOkAsync($"{Q("The Last Violin")}&section={section}")).Ids()[0]);
    }

    [Fact]
    public async Task Taxonomy_filters_narrow_both_rankings()
    {
        var (section, fisherman, robots, violin) = await ThreeItemsAsync();
        var member = api.ClientFor(await api.MemberAsync(100));
        // The nearest item by meaning is the fisherman's; the filters leave it out.
        const string query = "an old man fishing with his grandson";

        Assert.Equal(fisherman.Id, (await member.AiSearchOkAsync($"{Q(query)}&section={section}")).Ids()[0]);
        Assert.Equal([robots.Id], (await member.AiSearchOkAsync($"{Q(query)}&section={section}&format=documentary")).Ids());
        Assert.Equal([violin.Id], (await member.AiSearchOkAsync($"{Q(query)}&section={section}&genre=history")).Ids());
        Assert.Equal(new[] { robots.Id, violin.Id }.Order(), (await member.AiSearchOkAsync($"{Q(query)}&section={section}&yearFrom=2000")).Ids().Order());
        Assert.Equal([fisherman.Id], (await member.AiSearchOkAsync($"{Q(query)}&section={section}&yearTo=1999&genre=drama")).Ids());
        Assert.Empty((await member.AiSearchOkAsync($"{Q(query)}&section={Catalog.NewSlug("none")}")).Ids());
    }

    [Fact]
    public async Task Limit_cuts_the_ranking_and_each_search_is_recorded_as_ai()
    {
        var (section, fisherman, _, _) = await ThreeItemsAsync();
        var user = await api.MemberAsync(100);
        const string query = "  fishing on the sea of galilee  ";

        var found = await api.ClientFor(user).AiSearchOkAsync($"{Q(query)}&section={section}&limit=1");

        Assert.Equal([fisherman.Id], found.Ids());
        var searchId = found["searchId"]!.GetValue<string>();
        var record = await api.Raw("searchquery").Find(new BsonDocument("_id", ObjectId.Parse(searchId))).SingleAsync(Http.Ct);
        Assert.Equal("ai", record["search_type"].AsString);
        Assert.Equal(user.Id, record["user_id"].AsString);
        Assert.Equal(query.Trim(), record["query_text"].AsString);
        Assert.Equal(1, record["results_count"].ToInt32());
        Assert.True(record["response_time_ms"].ToInt32() >= 0);
        Assert.True((DateTime.UtcNow - record["created_at"].ToUniversalTime()).Duration() < TimeSpan.FromMinutes(1));
        var click = await api.ClientFor(user).PostJsonAsync($"/api/search/{searchId}/click", new { contentId = fisherman.Id });
        Assert.Equal(HttpStatusCode.NoContent, click.StatusCode);
        Assert.Equal(fisherman.Id, (await api.Raw("searchquery").Find(new BsonDocument("_id", ObjectId.Parse(searchId))).SingleAsync(Http.Ct))["clicked_result"].AsString);
    }

    [Fact]
    public async Task A_search_is_charged_once_and_answers_the_balance()
    {
        var (section, _, _, _) = await ThreeItemsAsync();
        var user = await api.MemberAsync(100);

        var found = await api.ClientFor(user).AiSearchOkAsync($"{Q("robots")}&section={section}");

        Assert.Equal(2, found["creditsCharged"]!.GetValue<int>());
        Assert.Equal(98, found["creditsRemaining"]!.GetValue<int>());
        Assert.Equal(98, await api.AssertInvariantAsync(user.Id));
        var charge = Assert.Single(await api.EntriesAsync(user.Id), e => e["transaction_type"] == "deduct");
        Assert.Equal("ai_search", charge["feature_used"].AsString);
        Assert.Equal(2, charge["amount"].ToInt32());
        Assert.Equal(1, await api.Raw("searchquery").CountDocumentsAsync(new BsonDocument("user_id", user.Id), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Parallel_searches_racing_for_the_last_credits_are_charged_only_while_the_balance_lasts()
    {
        var (section, _, robots, _) = await ThreeItemsAsync();
        var user = await api.MemberAsync(100);
        var admin = api.ClientFor(await api.SignUpAsync(role: "admin"));
        Assert.Equal(HttpStatusCode.OK, (await admin.AdjustAsync(user.Id, -95, "Leaves two searches")).StatusCode);
        var client = api.ClientFor(user);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.AiSearchAsync($"{Q("Circuit Breakers")}&section={section}")));

        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.PaymentRequired));
        foreach (var ok in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            Assert.Equal(robots.Id, (await ok.ReadJsonAsync()).Ids()[0]);
        }

        Assert.Equal(2, (await api.EntriesAsync(user.Id)).Count(e => e["transaction_type"] == "deduct" && e.GetValue("feature_used", "") == "ai_search"));
        Assert.Equal(1, await api.AssertInvariantAsync(user.Id));
        Assert.Equal(2, await api.Raw("searchquery").CountDocumentsAsync(new BsonDocument { ["user_id"] = user.Id, ["search_type"] = "ai" }, cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task A_query_the_local_model_cannot_read_is_a_422_that_charges_nothing()
    {
        await api.CatalogAsync(Item(Catalog.NewSlug("ai"), "Hebrew Query", "An item that makes sure the catalog is embedded."));
        var user = await api.MemberAsync(100);

        var problem = await (await api.ClientFor(user).AiSearchAsync(Q("סרט על משפחה"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("urn:bayitplus:problem:ai-search-language-unsupported", problem["type"]!.GetValue<string>());
        Assert.DoesNotContain(await api.EntriesAsync(user.Id), e => e["transaction_type"] == "deduct");
        Assert.Equal(100, await api.AssertInvariantAsync(user.Id));
    }

    [Fact]
    public async Task Out_of_credits_is_a_402_that_charges_nothing()
    {
        var (section, _, _, _) = await ThreeItemsAsync();
        var user = await api.MemberAsync(100);
        var admin = api.ClientFor(await api.SignUpAsync(role: "admin"));
        Assert.Equal(HttpStatusCode.OK, (await admin.AdjustAsync(user.Id, -99, "Leaves less than one search")).StatusCode);

        var problem = await (await api.ClientFor(user).AiSearchAsync($"{Q("robots")}&section={section}")).AssertProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("urn:bayitplus:problem:beta-insufficient-credits", problem["type"]!.GetValue<string>());
        Assert.Equal(1, await api.AssertInvariantAsync(user.Id));
        Assert.DoesNotContain(await api.EntriesAsync(user.Id), e => e.GetValue("feature_used", BsonNull.Value) == "ai_search");
        Assert.Equal(0, await api.Raw("searchquery").CountDocumentsAsync(new BsonDocument("user_id", user.Id), cancellationToken: Http.Ct));
    }

    [Fact]
    public async Task Non_members_get_403_and_anonymous_callers_401()
    {
        var (section, _, _, _) = await ThreeItemsAsync();
        var stranger = await api.SignUpAsync();
        var withdrawn = await api.MemberAsync(100, active: false);

        var problem = await (await api.ClientFor(stranger).AiSearchAsync($"{Q("robots")}&section={section}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var ended = await (await api.ClientFor(withdrawn).AiSearchAsync($"{Q("robots")}&section={section}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var anonymous = await api.CreateClient().AiSearchAsync($"{Q("robots")}&section={section}");

        Assert.Equal("urn:bayitplus:problem:beta-not-member", problem["type"]!.GetValue<string>());
        Assert.Equal("urn:bayitplus:problem:beta-not-member", ended["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(100, await api.AssertInvariantAsync(withdrawn.Id));
        Assert.Equal(0, await api.Raw("searchquery").CountDocumentsAsync(
            new BsonDocument("user_id", new BsonDocument("$in", new BsonArray { stranger.Id, withdrawn.Id })), cancellationToken: Http.Ct));
    }

    [Theory]
    [InlineData("limit=5", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("limit=0&q=x", "limit")]
    [InlineData("limit=51&q=x", "limit")]
    [InlineData("limit=ten&q=x", "limit")]
    [InlineData("format=opera&q=x", "format")]
    [InlineData("audience=adults&q=x", "audience")]
    [InlineData("section=Not%20A%20Slug&q=x", "section")]
    [InlineData("genre=Drama&q=x", "genre")]
    [InlineData("topic=a_b&q=x", "topic")]
    [InlineData("yearFrom=1700&q=x", "yearFrom")]
    [InlineData("yearTo=abc&q=x", "yearTo")]
    [InlineData("yearFrom=2001&yearTo=2000&q=x", "yearTo")]
    public async Task Invalid_parameters_are_400s_naming_them_and_charge_nothing(string query, string field)
    {
        var user = await api.MemberAsync(100);

        await (await api.ClientFor(user).AiSearchAsync(query)).AssertValidationProblemAsync(field);

        Assert.Equal(100, await api.AssertInvariantAsync(user.Id));
    }

    [Fact]
    public async Task A_query_over_200_characters_is_a_400()
    {
        await api.CatalogAsync(Item(Catalog.NewSlug("ai"), "Long Query", "An item that makes sure the catalog is embedded."));
        var user = await api.MemberAsync(100);
        var client = api.ClientFor(user);

        await (await client.AiSearchAsync(Q(new string('a', 201)))).AssertValidationProblemAsync("q");
        Assert.Equal(HttpStatusCode.OK, (await client.AiSearchAsync(Q(new string('a', 200)))).StatusCode);
    }
}
