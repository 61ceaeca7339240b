using System.Security.Cryptography;
using System.Text;
using BayitPlus.Api.Infrastructure.Catalog;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>What is embedded for an item (<c>text_content</c>) and its hash: titles and
/// descriptions in each language the model reads, genres, topics, director and cast. English comes
/// first, so a model that stops at its token limit reads it whole.</summary>
public static class EmbeddingText
{
    public static string Compose(CatalogItemText item, EmbeddingModel model)
    {
        var lines = new List<string>();
        Add(lines, item.Title.En, item.Description.En);
        Add(lines, Words("Genres", item.Genres), Words("Topics", item.Topics));
        Add(lines, item.Director is { Length: > 0 } director ? $"Director: {director}." : null, item.Cast.Count > 0 ? $"Cast: {string.Join(", ", item.Cast)}." : null);
        Add(lines, item.Title.Es, item.Description.Es);
        if (!model.ReadsLatinOnly)
        {
            Add(lines, item.Title.He, item.Description.He);
        }

        return string.Join('\n', lines);
    }

    /// <summary>The hash that tells whether an item's text changed since it was embedded.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void Add(List<string> lines, string? first, string? second)
    {
        var parts = new[] { first, second }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToArray();
        if (parts.Length > 0)
        {
            lines.Add(string.Join(' ', parts.Select(Sentence)));
        }
    }

    /// <summary>A title becomes a sentence of its own, so it does not run into the description.</summary>
    private static string Sentence(string text) => text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";

    /// <summary>Slugs read as words ("science-fiction" → "science fiction").</summary>
    private static string? Words(string label, IReadOnlyList<string> slugs) =>
        slugs.Count == 0 ? null : $"{label}: {string.Join(", ", slugs.Select(s => s.Replace('-', ' ')))}.";
}
