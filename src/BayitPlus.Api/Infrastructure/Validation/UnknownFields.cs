using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using FluentValidation.Results;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// The one rule for body fields a request does not accept: each is a 400 naming it, never ignored,
/// so a client that tries to set <c>role</c>, <c>isActive</c> or <c>createdAt</c> learns that it
/// cannot instead of believing it did. What a request accepts is the JSON properties of its body
/// type, so the message that lists them cannot drift from the type.
/// </summary>
public static class UnknownFields
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static readonly ConcurrentDictionary<Type, string> Accepted = new();

    /// <summary>The fields of a body that its type does not declare, as its <c>[JsonExtensionData]</c>
    /// property gathered them.</summary>
    public static IReadOnlyList<string> In(Dictionary<string, JsonElement>? extensionData) => extensionData?.Keys.ToList() ?? [];

    /// <summary>Refuses each field of the list (see <see cref="In"/>), sent in a body of type <paramref name="body"/>.</summary>
    public static IRuleBuilderOptionsConditions<T, IReadOnlyList<string>> AreRefused<T>(this IRuleBuilder<T, IReadOnlyList<string>> rule, Type body) =>
        rule.Custom((fields, context) =>
        {
            foreach (var field in fields)
            {
                context.AddFailure(Refusal(field, body));
            }
        });

    /// <summary>The failure for <paramref name="field"/>, which a body of type <paramref name="body"/>
    /// does not accept. A field the server sets itself (<paramref name="serverOwned"/>: ids,
    /// timestamps, counters) is named as such, since listing what is accepted would not explain it.</summary>
    public static ValidationFailure Refusal(string field, Type body, IReadOnlyCollection<string>? serverOwned = null) =>
        serverOwned?.Contains(field, StringComparer.OrdinalIgnoreCase) == true
            ? new ValidationFailure(field, $"{field} is set by the server and cannot be sent.")
            : new ValidationFailure(field, $"{field} cannot be set by this request; it accepts only {Accepted.GetOrAdd(body, Describe)}.");

    private static string Describe(Type body)
    {
        var names = Json.GetTypeInfo(body).Properties.Where(p => !p.IsExtensionData).Select(p => p.Name).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";
    }
}
