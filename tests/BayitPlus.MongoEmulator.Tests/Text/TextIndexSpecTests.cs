using BayitPlus.MongoEmulator.Bson;
using BayitPlus.MongoEmulator.Text;
using MongoDB.Bson;

namespace BayitPlus.MongoEmulator.Tests.Text;

public sealed class TextIndexSpecTests
{
    [Theory]
    [InlineData("{ title: 'text' }", "{ weights: 5 }", "text index option 'weights' must be a document")]
    [InlineData("{ title: 'text' }", "{ weights: { title: 'high' } }", "text index weight for field 'title' must be a number, not String")]
    [InlineData("{ title: 'text' }", "{ weights: { title: 0 } }", "text index weight for field 'title' must be in the exclusive interval (0, 100000) but found: 0")]
    [InlineData("{ title: 'text' }", "{ weights: { title: 100000 } }", "text index weight for field 'title' must be in the exclusive interval (0, 100000) but found: 100000")]
    [InlineData("{ title: 'text' }", "{ default_language: 'klingon' }", "default_language unsupported: klingon")]
    [InlineData("{ title: 'text' }", "{ default_language: 1 }", "text index option 'default_language' must be a string")]
    [InlineData("{ title: 'text' }", "{ language_override: '' }", "text index option 'language_override' must be a non-empty field name not starting with '$'")]
    [InlineData("{ title: 'text' }", "{ language_override: 3 }", "text index option 'language_override' must be a non-empty field name not starting with '$'")]
    [InlineData("{ title: 'text' }", "{ textIndexVersion: 2 }", "textIndexVersion 2 is not supported: the emulator implements version 3")]
    [InlineData("{ category: 1 }", "{}", "a text index needs at least one field with value \"text\" or in weights")]
    [InlineData("{ title: 'text', loc: '2dsphere' }", "{}", "a text index cannot also be a '2dsphere' index (key field 'loc')")]
    [InlineData("{ '$title': 'text' }", "{}", "text index field name '$title' is invalid: path components must be non-empty and not start with '$'")]
    [InlineData("{ 'a..b': 'text' }", "{}", "text index field name 'a..b' is invalid: path components must be non-empty and not start with '$'")]
    [InlineData("{ 'a.$**': 'text' }", "{}", "text index field name 'a.$**' is invalid: path components must be non-empty and not start with '$'")]
    public void Invalid_specifications_are_rejected(string keyPattern, string options, string message)
    {
        var error = Assert.Throws<MongoErrorException>(() => new TextIndex(BsonDocument.Parse(keyPattern), BsonDocument.Parse(options)));

        Assert.Equal(ErrorCodes.BadValue, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Valid_specifications_are_accepted()
    {
        _ = new TextIndex(
            BsonDocument.Parse("{ category: 1, title: 'text', description: 'text', year: -1 }"),
            BsonDocument.Parse("{ name: 'search', weights: { title: 10.5, description: NumberLong(5) }, default_language: 'es', language_override: 'lang', textIndexVersion: 3 }"));
        _ = new TextIndex(BsonDocument.Parse("{ _fts: 'text', _ftsx: 1 }"), BsonDocument.Parse("{ weights: { title: 1 } }"));
        _ = new TextIndex(BsonDocument.Parse("{ '$**': 'text' }"), []);
    }

    [Fact]
    public void The_stored_key_form_takes_its_fields_from_weights()
    {
        var index = new TextIndex(BsonDocument.Parse("{ _fts: 'text', _ftsx: 1 }"), BsonDocument.Parse("{ weights: { title: 1 } }"));
        index.Add(1, new BsonDocument { { "title", "Harbor" }, { "_fts", "ignored" } });

        Assert.Single(index.Search(index.Parse(new BsonDocument("$search", "harbor"))));
        Assert.Empty(index.Search(index.Parse(new BsonDocument("$search", "ignored"))));
    }
}
