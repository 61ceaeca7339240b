using BayitPlus.Api.Infrastructure.Audit;
using MongoDB.Bson;

namespace BayitPlus.Api.Tests.Features.Audit;

public sealed class AuditRedactionTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("password_hash")]
    [InlineData("passwordHash")]
    [InlineData("PasswordHash")]
    [InlineData("token")]
    [InlineData("token_hash")]
    [InlineData("refresh_token")]
    [InlineData("refreshToken")]
    [InlineData("client_secret")]
    [InlineData("card_number")]
    [InlineData("cardNumber")]
    [InlineData("cvv")]
    [InlineData("IBAN")]
    [InlineData("signing_key")]
    [InlineData("signingKey")]
    [InlineData("api_key")]
    public void Secret_like_names_are_secret(string name) => Assert.True(AuditRedaction.IsSecret(name));

    [Theory]
    [InlineData("email")]
    [InlineData("role")]
    [InlineData("is_active")]
    [InlineData("updated_at")]
    [InlineData("device_name")]
    public void Ordinary_names_are_not_secret(string name) => Assert.False(AuditRedaction.IsSecret(name));

    [Fact]
    public void Secrets_are_redacted_at_any_depth_and_the_rest_is_kept()
    {
        var document = new BsonDocument
        {
            ["email"] = "a@example.com",
            ["password_hash"] = "$2a$04$hash",
            ["billing"] = new BsonDocument { ["cardNumber"] = "4111111111111111", ["country"] = "IL" },
            ["devices"] = new BsonArray { new BsonDocument { ["device_name"] = "Phone", ["push_token"] = "abc" } },
            ["reset_token"] = BsonNull.Value,
        };

        var redacted = AuditRedaction.Redact(document);

        Assert.Equal("a@example.com", redacted["email"].AsString);
        Assert.Equal(AuditRedaction.Redacted, redacted["password_hash"].AsString);
        Assert.Equal(AuditRedaction.Redacted, redacted["billing"]["cardNumber"].AsString);
        Assert.Equal("IL", redacted["billing"]["country"].AsString);
        Assert.Equal("Phone", redacted["devices"][0]["device_name"].AsString);
        Assert.Equal(AuditRedaction.Redacted, redacted["devices"][0]["push_token"].AsString);
        Assert.True(redacted["reset_token"].IsBsonNull);
        Assert.Equal("$2a$04$hash", document["password_hash"].AsString);
    }

    [Fact]
    public void A_secret_object_is_redacted_whole()
    {
        var redacted = AuditRedaction.Redact(new BsonDocument("card", new BsonDocument { ["number"] = "4111111111111111", ["exp"] = "12/30" }));

        Assert.Equal(AuditRedaction.Redacted, redacted["card"].AsString);
    }

    [Fact]
    public void Changes_keep_only_the_fields_that_differ()
    {
        var before = new BsonDocument { ["_id"] = 1, ["role"] = "user", ["name"] = "A", ["password_hash"] = "old" };
        var after = new BsonDocument { ["_id"] = 1, ["role"] = "beta", ["name"] = "A", ["password_hash"] = "new", ["bio"] = "hi" };

        var changes = AuditChanges.Between(before, after);

        Assert.Equal(new BsonDocument { ["role"] = "user", ["password_hash"] = AuditRedaction.Redacted, ["bio"] = BsonNull.Value }, changes["before"].AsBsonDocument);
        Assert.Equal(new BsonDocument { ["role"] = "beta", ["password_hash"] = AuditRedaction.Redacted, ["bio"] = "hi" }, changes["after"].AsBsonDocument);
    }

    [Fact]
    public void A_created_resource_has_no_before_and_a_deleted_one_no_after()
    {
        var document = new BsonDocument { ["_id"] = 1, ["token_hash"] = "h" };

        var created = AuditChanges.Between(null, document);
        var deleted = AuditChanges.Between(document, null);

        Assert.True(created["before"].IsBsonNull);
        Assert.Equal(AuditRedaction.Redacted, created["after"]["token_hash"].AsString);
        Assert.True(deleted["after"].IsBsonNull);
        Assert.Equal(1, deleted["before"]["_id"].AsInt32);
    }
}
