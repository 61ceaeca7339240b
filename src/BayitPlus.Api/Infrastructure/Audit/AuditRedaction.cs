using MongoDB.Bson;

namespace BayitPlus.Api.Infrastructure.Audit;

/// <summary>The one rule that keeps secrets out of the audit trail: a field whose name contains a
/// secret-like word (snake_case or camelCase, any letter case, at any depth) keeps its key but
/// loses its value, so the trail still shows that the secret changed.</summary>
public static class AuditRedaction
{
    public const string Redacted = "[redacted]";

    // Compared after removing underscores and lowercasing, so password_hash, passwordHash and
    // PasswordHash are one name.
    private static readonly string[] SecretWords =
        ["password", "token", "secret", "card", "cvv", "cvc", "iban", "signingkey", "apikey", "privatekey"];

    public static bool IsSecret(string fieldName)
    {
        var name = fieldName.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return SecretWords.Any(word => name.Contains(word, StringComparison.Ordinal));
    }

    /// <summary>A copy of <paramref name="document"/> with every secret field's value replaced.</summary>
    public static BsonDocument Redact(BsonDocument document)
    {
        var copy = new BsonDocument();
        foreach (var element in document)
        {
            copy[element.Name] = IsSecret(element.Name) && !element.Value.IsBsonNull ? Redacted : RedactValue(element.Value);
        }

        return copy;
    }

    private static BsonValue RedactValue(BsonValue value) => value switch
    {
        BsonDocument nested => Redact(nested),
        BsonArray array => new BsonArray(array.Select(RedactValue)),
        _ => value,
    };
}
