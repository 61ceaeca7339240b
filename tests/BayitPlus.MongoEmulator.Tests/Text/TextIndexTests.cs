using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Text;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Text;

public sealed class TextIndexTests
{
    [Fact]
    public void Terms_are_ored()
    {
        var index = Catalog(
            (1, "Morning coffee", "Coffee and pastries"),
            (2, "Green tea", "Tea ceremony"),
            (3, "Orange juice", "Fresh juice"));

        Assert.Equal([1, 2], Ids(Search(index, "coffee tea")));
        Assert.Equal([3], Ids(Search(index, "JUICES")));
        Assert.Empty(Search(index, "water"));
    }

    [Fact]
    public void Hebrew_matches_with_or_without_niqqud()
    {
        var index = CatalogIndex();
        index.Add(1, new BsonDocument { { "title", "שָׁלוֹם עֲלֵיכֶם" }, { "title_en", "Peace be upon you" } });
        index.Add(2, new BsonDocument { { "title", "ירושלים של זהב" } });

        Assert.Equal([1], Ids(Search(index, "שלום")));
        Assert.Equal([2], Ids(Search(index, "יְרוּשָׁלַיִם")));
        Assert.Equal([1], Ids(Search(index, "peace")));
    }

    [Fact]
    public void Spanish_matches_without_accents_and_across_plurals()
    {
        var index = CatalogIndex();
        index.Add(1, new BsonDocument { { "title_es", "Canción de cuna" } });
        index.Add(2, new BsonDocument { { "title_es", "Canciones de Navidad" } });

        Assert.Equal([1, 2], Ids(Search(index, "cancion")));
        Assert.Equal([1], Ids(Search(index, "CUNA")));
    }

    [Fact]
    public void Phrases_must_appear_and_are_anded_with_terms()
    {
        var index = Catalog(
            (1, "The coffee shop", "A small coffee shop in Tel Aviv"),
            (2, "Shop of coffee", "Coffee beans"),
            (3, "Tea house", "Tea and more"),
            (4, "Canción de cuna", "Una canción"));

        Assert.Equal([1], Ids(Search(index, "\"coffee shop\"")));
        Assert.Equal([1], Ids(Search(index, "tea \"Coffee Shop\"")));
        Assert.Equal([1], Ids(Search(index, "\"coffee shop\" \"tel aviv\"")));
        Assert.Empty(Search(index, "\"coffee shop\" \"tea house\""));
        Assert.Equal([4], Ids(Search(index, "\"CANCION DE\"")));
        Assert.Equal([1], Ids(Search(index, "\"coffee shop")));
    }

    [Fact]
    public void Negated_terms_and_phrases_exclude_documents()
    {
        var index = Catalog(
            (1, "Coffee shop", "Espresso"),
            (2, "Decaf coffee", "Mild"),
            (3, "Coffee beans", "Fresh coffee shop beans"));

        Assert.Equal([1, 3], Ids(Search(index, "coffee -decaf")));
        Assert.Equal([2], Ids(Search(index, "coffee -\"coffee shop\"")));
        Assert.Equal([3], Ids(Search(index, "coffee -espresso-mild")));
        Assert.Empty(Search(index, "-decaf"));
        Assert.Empty(Search(index, "-decaf -\"coffee shop\""));
        Assert.Empty(Search(index, "coffee -coffee"));
    }

    [Fact]
    public void A_hyphen_inside_a_word_only_separates()
    {
        var index = Catalog((1, "Pre-market report", string.Empty), (2, "Market day", string.Empty));

        Assert.Equal([1, 2], Ids(Search(index, "pre-market")));
        Assert.Equal([1, 2], Ids(Search(index, "market - pre")));
    }

    [Fact]
    public void Stop_words_alone_match_nothing()
    {
        var index = Catalog((1, "The Doors", "and the rest"));

        Assert.Empty(Search(index, "the and"));
        Assert.Equal([1], Ids(Search(index, "the doors")));
    }

    [Fact]
    public void A_title_match_outranks_a_description_only_match()
    {
        var index = Catalog(
            (1, "A film about nothing", "Jerusalem appears once in this long description of the film"),
            (2, "Jerusalem", "A film"),
            (3, "Jerusalem nights", "Jerusalem by night"));

        var scores = Search(index, "jerusalem");

        Assert.True(scores[2] > scores[1]);
        Assert.True(scores[3] > scores[1]);
        Assert.True(scores[3] > scores[2]);
    }

    [Fact]
    public void More_matching_terms_score_higher()
    {
        var index = Catalog((1, "Coffee", "Coffee"), (2, "Coffee cake", "Coffee cake"));

        var scores = Search(index, "coffee cake");

        Assert.True(scores[2] > scores[1]);
    }

    [Fact]
    public void Scores_follow_the_documented_formula()
    {
        var index = Catalog((1, "Coffee coffee tea", string.Empty));

        var score = Search(index, "coffee")[1];

        Assert.Equal(10 * 1.5 * ((0.5 * 2 / 3) + 0.5), score, 9);
    }

    [Fact]
    public void Remove_and_re_add_keep_the_index_consistent()
    {
        var index = Catalog((1, "Coffee", "Morning"), (2, "Coffee", "Evening"));
        var old = new BsonDocument { { "title", "Coffee" }, { "description", "Morning" } };

        index.Remove(1, old);
        Assert.Equal([2], Ids(Search(index, "coffee")));
        Assert.Empty(Search(index, "morning"));
        Assert.Equal(1, index.Count);

        index.Add(1, new BsonDocument { { "title", "Tea" }, { "description", "Morning" } });
        Assert.Equal([2], Ids(Search(index, "coffee")));
        Assert.Equal([1], Ids(Search(index, "tea morning")));

        index.Add(1, new BsonDocument("title", "Juice"));
        Assert.Empty(Search(index, "tea morning"));
        Assert.Equal([1], Ids(Search(index, "juice")));
        Assert.Equal(2, index.Count);

        index.Remove(2, new BsonDocument());
        index.Remove(2, new BsonDocument());
        index.Remove(1, new BsonDocument());
        Assert.Equal(0, index.Count);
        Assert.Empty(Search(index, "coffee juice morning"));
    }

    [Fact]
    public void Ids_compare_with_mongodb_equality()
    {
        var index = CatalogIndex();
        index.Add(new BsonInt32(7), new BsonDocument("title", "Coffee"));
        index.Add(new BsonDouble(7.0), new BsonDocument("title", "Tea"));

        var result = Search(index, "coffee tea");

        Assert.Single(result);
        Assert.True(result.ContainsKey(new BsonInt64(7)));
    }

    [Fact]
    public void Arrays_of_strings_are_indexed_element_by_element()
    {
        var index = new TextIndex(new BsonDocument("tags", "text"), []);
        index.Add(1, new BsonDocument("tags", new BsonArray { "drama", "comedy", 42 }));
        index.Add(2, new BsonDocument("tags", new BsonArray { "drama comedy" }));

        Assert.Equal([1, 2], Ids(Search(index, "comedy")));
        Assert.Equal([2], Ids(Search(index, "\"drama comedy\"")));
    }

    [Fact]
    public void Dotted_fields_reach_into_embedded_documents_and_arrays_of_them()
    {
        var index = new TextIndex(
            new BsonDocument { { "meta.summary", "text" }, { "episodes.title", "text" } },
            []);
        index.Add(1, BsonDocument.Parse("{ meta: { summary: 'A quiet village' } }"));
        index.Add(2, BsonDocument.Parse("{ episodes: [ { title: 'Pilot' }, { title: ['Finale', 'Village fair'] } ] }"));
        index.Add(3, BsonDocument.Parse("{ meta: 'village', episodes: { title: 'Pilot' } }"));

        Assert.Equal([1, 2], Ids(Search(index, "village")));
        Assert.Equal([2, 3], Ids(Search(index, "pilot")));
    }

    [Fact]
    public void Wildcard_indexes_every_string_with_field_weights_overriding()
    {
        var index = new TextIndex(
            new BsonDocument("$**", "text"),
            new BsonDocument("weights", new BsonDocument { { "title", 10 }, { "$**", 2 } }));
        index.Add(1, BsonDocument.Parse("{ title: 'Other', nested: { deep: ['Harbor'] }, n: 5 }"));
        index.Add(2, BsonDocument.Parse("{ title: 'Harbor' }"));

        var scores = Search(index, "harbor");

        Assert.Equal([1, 2], Ids(scores));
        Assert.True(scores[2] > scores[1]);
    }

    [Fact]
    public void Fields_named_only_in_weights_are_indexed()
    {
        var index = new TextIndex(
            new BsonDocument("title", "text"),
            new BsonDocument("weights", new BsonDocument("subtitle", 3)));
        index.Add(1, new BsonDocument("subtitle", "Harbor"));

        Assert.Equal([1], Ids(Search(index, "harbor")));
    }

    [Fact]
    public void The_language_override_field_selects_stop_words_and_stemming()
    {
        var index = CatalogIndex();
        index.Add(1, new BsonDocument { { "language", "none" }, { "title_en", "The Who" } });
        index.Add(2, new BsonDocument { { "language", "spanish" }, { "title_es", "Las canciones" } });
        index.Add(3, new BsonDocument { { "language", "English" }, { "title_en", "The Doors" } });

        Assert.Equal([1], Ids(Search(index, new BsonDocument { { "$search", "the" }, { "$language", "none" } })));
        Assert.Empty(Search(index, "the"));
        Assert.Equal([2], Ids(Search(index, new BsonDocument { { "$search", "canción" }, { "$language", "es" } })));
        Assert.Equal([3], Ids(Search(index, "door")));
    }

    [Fact]
    public void Language_override_field_name_and_default_language_are_options()
    {
        var index = new TextIndex(
            new BsonDocument("title", "text"),
            new BsonDocument { { "default_language", "spanish" }, { "language_override", "idioma" } });
        index.Add(1, new BsonDocument("title", "Las canciones"));
        index.Add(2, new BsonDocument { { "title", "The songs" }, { "idioma", "english" }, { "language", "klingon" } });

        Assert.Equal([1], Ids(Search(index, "cancion")));
        Assert.Empty(Search(index, "las"));
        Assert.Equal([2], Ids(Search(index, new BsonDocument { { "$search", "song" }, { "$language", "english" } })));
    }

    [Fact]
    public void An_unsupported_document_language_is_rejected_and_leaves_the_index_unchanged()
    {
        var index = Catalog((1, "Coffee", string.Empty));

        var error = Assert.Throws<MongoErrorException>(() =>
            index.Add(1, new BsonDocument { { "title", "Tea" }, { "language", "klingon" } }));
        Assert.Equal(ErrorCodes.BadValue, error.Code);
        Assert.Equal("language override unsupported: klingon", error.Message);

        Assert.Throws<MongoErrorException>(() => index.Add(2, new BsonDocument { { "title", "Tea" }, { "language", 5 } }));
        Assert.Throws<MongoErrorException>(() => index.Validate(new BsonDocument("language", "klingon")));
        index.Validate(new BsonDocument("language", "es"));
        Assert.Equal([1], Ids(Search(index, "coffee")));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Case_sensitive_search_matches_exact_case_only()
    {
        var index = Catalog((1, "Apple pie", string.Empty), (2, "apple juice", string.Empty), (3, "APPLE cider", string.Empty));

        Assert.Equal([1], Ids(Search(index, new BsonDocument { { "$search", "Apple" }, { "$caseSensitive", true } })));
        Assert.Equal([2, 3], Ids(Search(index, new BsonDocument { { "$search", "apple -pie" }, { "$caseSensitive", false } })));
        Assert.Equal([2, 3], Ids(Search(index, new BsonDocument { { "$search", "apple APPLE -Apple" }, { "$caseSensitive", true } })));
        Assert.Equal([3], Ids(Search(index, new BsonDocument { { "$search", "\"APPLE c\"" }, { "$caseSensitive", true } })));
        Assert.Empty(Search(index, new BsonDocument { { "$search", "\"apple c\"" }, { "$caseSensitive", true } }));
    }

    [Fact]
    public void Diacritic_sensitive_search_matches_exact_diacritics_only()
    {
        var index = Catalog((1, "Café central", string.Empty), (2, "Cafe central", string.Empty), (3, "שָׁלוֹם", string.Empty), (4, "שלום", string.Empty));

        Assert.Equal([1, 2], Ids(Search(index, "café")));
        Assert.Equal([1], Ids(Search(index, new BsonDocument { { "$search", "café" }, { "$diacriticSensitive", true } })));
        Assert.Equal([2], Ids(Search(index, new BsonDocument { { "$search", "CAFE" }, { "$diacriticSensitive", true } })));
        Assert.Equal([3, 4], Ids(Search(index, "שָׁלוֹם")));
        Assert.Equal([3], Ids(Search(index, new BsonDocument { { "$search", "שָׁלוֹם" }, { "$diacriticSensitive", true } })));
        Assert.Equal([4], Ids(Search(index, new BsonDocument { { "$search", "שלום" }, { "$diacriticSensitive", true } })));
        Assert.Empty(Search(index, new BsonDocument { { "$search", "\"Café Central\"" }, { "$diacriticSensitive", true }, { "$caseSensitive", true } }));
    }

    [Fact]
    public void Score_of_an_unindexed_document_follows_the_same_rules()
    {
        var index = Catalog((1, "Coffee shop", "Espresso and coffee"));
        var document = new BsonDocument { { "title", "Coffee shop" }, { "description", "Espresso and coffee" } };
        var query = index.Parse(new BsonDocument("$search", "coffee espresso"));

        Assert.Equal(index.Search(query)[1], index.Score(document, query));
        Assert.Null(index.Score(new BsonDocument("title", "Tea"), query));
        Assert.Null(index.Score(document, index.Parse(new BsonDocument("$search", "coffee -espresso"))));
        Assert.Null(index.Score(document, index.Parse(new BsonDocument("$search", "coffee \"coffee house\""))));
        Assert.NotNull(index.Score(document, index.Parse(new BsonDocument("$search", "coffee \"COFFEE SHOP\""))));
        Assert.Null(index.Score(document, index.Parse(new BsonDocument { { "$search", "ESPRESSO" }, { "$caseSensitive", true } })));
    }

    [Theory]
    [InlineData("{ $search: 5 }", ErrorCodes.TypeMismatch, "$text: $search must be a string")]
    [InlineData("{ $search: 'a', $language: 1 }", ErrorCodes.TypeMismatch, "$text: $language must be a string")]
    [InlineData("{ $search: 'a', $language: 'xx' }", ErrorCodes.BadValue, "language override unsupported: xx")]
    [InlineData("{ $search: 'a', $language: 'french' }", ErrorCodes.BadValue, "language override unsupported: french (the emulator implements english, spanish and none)")]
    [InlineData("{ $search: 'a', $caseSensitive: 'yes' }", ErrorCodes.TypeMismatch, "$text: $caseSensitive must be a boolean")]
    [InlineData("{ $search: 'a', $diacriticSensitive: 1 }", ErrorCodes.TypeMismatch, "$text: $diacriticSensitive must be a boolean")]
    [InlineData("{ $search: 'a', $foo: 1 }", ErrorCodes.BadValue, "$text: unknown option '$foo'")]
    [InlineData("{ $language: 'en' }", ErrorCodes.FailedToParse, "$text requires a $search string")]
    public void Invalid_text_queries_are_rejected(string spec, int code, string message)
    {
        var error = Assert.Throws<MongoErrorException>(() => CatalogIndex().Parse(BsonDocument.Parse(spec)));

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Search_finds_exactly_the_rare_term_documents_among_ten_thousand()
    {
        var index = CatalogIndex();
        for (var i = 0; i < 10_000; i++)
        {
            var rare = i % 3_500 == 7 ? " zanzibar" : string.Empty;
            index.Add(i, new BsonDocument
            {
                { "title", $"סרט מספר {i}" },
                { "title_en", $"Movie number {i}{rare}" },
                { "description", $"A story about item {i % 100} and common words" },
            });
        }

        var query = index.Parse(new BsonDocument("$search", "Zanzibar"));
        Assert.Equal([7, 3507, 7007], Ids(index.Search(query)));
        Assert.Equal(10_000, index.Search(index.Parse(new BsonDocument("$search", "movie"))).Count);
    }

    private static TextIndex CatalogIndex() => new(
        new BsonDocument { { "title", "text" }, { "title_en", "text" }, { "title_es", "text" }, { "description", "text" } },
        new BsonDocument("weights", new BsonDocument { { "title", 10 }, { "title_en", 10 }, { "title_es", 10 }, { "description", 5 } }));

    private static TextIndex Catalog(params (int Id, string Title, string Description)[] items)
    {
        var index = CatalogIndex();
        foreach (var (id, title, description) in items)
        {
            index.Add(id, new BsonDocument { { "title_en", title }, { "description", description } });
        }

        return index;
    }

    private static IReadOnlyDictionary<BsonValue, double> Search(TextIndex index, string search) =>
        Search(index, new BsonDocument("$search", search));

    private static IReadOnlyDictionary<BsonValue, double> Search(TextIndex index, BsonDocument spec) =>
        index.Search(index.Parse(spec));

    private static int[] Ids(IReadOnlyDictionary<BsonValue, double> result) =>
        [.. result.Keys.Select(id => id.ToInt32()).Order()];
}
