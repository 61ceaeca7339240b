using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;

namespace BayitPlus.Api.Infrastructure.Validation;

/// <summary>
/// The one rule for a free-form JSON object a client can store (preferences, settings): small, and
/// made only of what MongoDB stores and every reader returns as it was. A value that breaks a later
/// read (a number beyond a double, which would be stored as Infinity; a NUL; a key MongoDB treats
/// as an operator or a path) is refused here, before it is stored and before the audit trail keeps
/// a copy of it for a year.
/// </summary>
public static class FreeFormJson
{
    public const int MaxTopLevelKeys = 50;
    public const int MaxKeys = 200;
    public const int MaxDepth = 5;
    public const int MaxBytes = 16 * 1024;
    public const int MaxKeyLength = 100;
    public const int MaxStringLength = 4096;

    public static IRuleBuilderOptionsConditions<T, JsonObject?> Storable<T>(this IRuleBuilder<T, JsonObject?> rule) =>
        rule.Custom((json, context) =>
        {
            if (json is not null && Problem(json) is { } problem)
            {
                context.AddFailure($"{context.DisplayName} {problem}");
            }
        });

    /// <summary>What is wrong with <paramref name="json"/> as a stored value, or null.</summary>
    public static string? Problem(JsonObject json)
    {
        if (json.Count > MaxTopLevelKeys)
        {
            return $"may have at most {MaxTopLevelKeys} keys.";
        }

        if (JsonBson.Depth(json) > MaxDepth)
        {
            return $"may nest at most {MaxDepth} levels deep.";
        }

        var keys = 0;
        return ProblemIn(json, ref keys)
            ?? (Encoding.UTF8.GetByteCount(json.ToJsonString()) > MaxBytes ? $"may be at most {MaxBytes} bytes of JSON." : null);
    }

    private static string? ProblemIn(JsonNode? node, ref int keys)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (++keys > MaxKeys)
                    {
                        return $"may have at most {MaxKeys} keys in all.";
                    }

                    if (key.Length is 0 or > MaxKeyLength || key.StartsWith('$') || key.Contains('.') || key.Contains('\0'))
                    {
                        return $"keys must be 1 to {MaxKeyLength} characters, must not start with '$' and must not contain '.' or NUL.";
                    }

                    if (ProblemIn(value, ref keys) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (ProblemIn(item, ref keys) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                return value.TryGetValue<double>(out var number) && double.IsFinite(number) ? null : "numbers must be finite and within the range of a double.";
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return text.Length > MaxStringLength || text.Contains('\0') ? $"strings must be at most {MaxStringLength} characters and must not contain NUL." : null;
            default:
                return null;
        }
    }
}
