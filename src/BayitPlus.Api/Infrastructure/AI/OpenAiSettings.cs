namespace BayitPlus.Api.Infrastructure.AI;

/// <summary>OpenAI (or any endpoint speaking its API), shared by the AI slices. Unset
/// <see cref="ApiKey"/> means not configured: each slice then uses its offline default or answers
/// 503. The key comes from the environment or a secret store, never from a file in the repository.</summary>
public sealed class OpenAiSettings
{
    public const string Section = "AI:OpenAI";

    public string? ApiKey { get; init; }

    /// <summary>The API's base address; tests and compatible services point it elsewhere.</summary>
    public Uri Endpoint { get; init; } = new("https://api.openai.com/v1");

    public string EmbeddingModel { get; init; } = "text-embedding-3-small";

    public int EmbeddingDimensions { get; init; } = 1536;

    /// <summary>The chat model recaps are summarized with.</summary>
    public string ChatModel { get; init; } = "gpt-4o-mini";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
