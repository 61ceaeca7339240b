using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using FluentValidation;

namespace BayitPlus.Api.Features.Users;

/// <summary>Rules shared by the Users slice's request bodies.</summary>
public static class RequestRules
{
    public const int MaxFreeFormKeys = 50;
    public const int MaxFreeFormDepth = 5;
    public const int MaxFreeFormBytes = 16 * 1024;

    /// <summary>Free-form settings objects (preferences) stay small: a bounded number of keys,
    /// nesting and size, and keys MongoDB stores as they are (no <c>$</c> prefix, no dots).</summary>
    public static IRuleBuilderOptions<T, JsonObject?> BoundedObject<T>(this IRuleBuilder<T, JsonObject?> rule) => rule
        .Must(json => json is null || json.Count <= MaxFreeFormKeys)
        .WithMessage($"{{PropertyName}} may have at most {MaxFreeFormKeys} keys.")
        .Must(json => json is null || JsonBson.Depth(json) <= MaxFreeFormDepth)
        .WithMessage($"{{PropertyName}} may nest at most {MaxFreeFormDepth} levels deep.")
        .Must(json => json is null || Encoding.UTF8.GetByteCount(json.ToJsonString()) <= MaxFreeFormBytes)
        .WithMessage($"{{PropertyName}} may be at most {MaxFreeFormBytes} bytes of JSON.")
        .Must(json => json is null || StorableKeys(json))
        .WithMessage("{PropertyName} keys must be non-empty and must not start with '$' or contain '.'.");

    private static bool StorableKeys(JsonNode? node) => node switch
    {
        JsonObject obj => obj.All(p => p.Key.Length > 0 && !p.Key.StartsWith('$') && !p.Key.Contains('.') && StorableKeys(p.Value)),
        JsonArray array => array.All(StorableKeys),
        _ => true,
    };
}
