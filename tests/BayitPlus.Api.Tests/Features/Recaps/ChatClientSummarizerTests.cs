using BayitPlus.Api.Features.Recaps;
using Microsoft.Extensions.AI;

namespace BayitPlus.Api.Tests.Features.Recaps;

public sealed class ChatClientSummarizerTests
{
    private const string GoodJson = """{ "summary": "Se aprobó el presupuesto.", "keyPoints": ["Uno.", "Dos.", "Tres."] }""";

    private static readonly List<TranscriptLine> Transcript = ExtractiveSummarizerTests.Transcript("en",
        "The budget passed tonight.", "Health spending rises.", "The opposition voted against.");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Good_json_becomes_a_translated_recap_in_the_language_asked()
    {
        var client = new FakeChatClient(GoodJson);

        var recap = await Summarizer(client).SummarizeAsync(Transcript, "es", Token);

        Assert.Equal("Se aprobó el presupuesto.", recap.Summary);
        Assert.Equal(["Uno.", "Dos.", "Tres."], recap.KeyPoints);
        Assert.Equal("es", recap.Language);
        Assert.True(recap.Translated);
        Assert.Contains("Spanish", client.Prompt);
        Assert.DoesNotContain("Hebrew", client.Prompt);
        Assert.Contains("The opposition voted against.", client.Prompt);
        Assert.Contains("never name or guess the programme", client.Prompt);
    }

    [Fact]
    public async Task Json_in_a_markdown_fence_is_accepted()
    {
        var recap = await Summarizer(new FakeChatClient($"```json\n{GoodJson}\n```")).SummarizeAsync(Transcript, "he", Token);

        Assert.Equal("Se aprobó el presupuesto.", recap.Summary);
        Assert.Equal(3, recap.KeyPoints.Count);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{ "summary": "Cut off", "keyPoints": ["a", """)]
    [InlineData("""["a list"]""")]
    [InlineData("""{ "keyPoints": ["a", "b", "c"] }""")]
    [InlineData("""{ "summary": "  ", "keyPoints": ["a", "b", "c"] }""")]
    [InlineData("""{ "summary": "S.", "keyPoints": ["a", "b"] }""")]
    [InlineData("""{ "summary": "S.", "keyPoints": ["a", "b", "c", "d", "e", "f"] }""")]
    [InlineData("""{ "summary": "S.", "keyPoints": ["a", "", "c"] }""")]
    [InlineData("""{ "summary": "S.", "keyPoints": ["a", 2, "c"] }""")]
    [InlineData("")]
    public async Task Malformed_or_incomplete_answers_fail(string answer)
    {
        await Assert.ThrowsAsync<SummarizerFailedException>(() => Summarizer(new FakeChatClient(answer)).SummarizeAsync(Transcript, "en", Token));
    }

    [Fact]
    public async Task A_summary_over_the_limit_fails()
    {
        var answer = $$"""{ "summary": "{{new string('x', ChatClientSummarizer.MaxSummaryCharacters + 1)}}", "keyPoints": ["a", "b", "c"] }""";

        await Assert.ThrowsAsync<SummarizerFailedException>(() => Summarizer(new FakeChatClient(answer)).SummarizeAsync(Transcript, "en", Token));
    }

    [Fact]
    public async Task Errors_and_timeouts_of_the_client_fail_the_summarizer()
    {
        var error = await Assert.ThrowsAsync<SummarizerFailedException>(() =>
            Summarizer(new FakeChatClient(new HttpRequestException("503 from the provider"))).SummarizeAsync(Transcript, "en", Token));
        Assert.IsType<HttpRequestException>(error.InnerException);

        // The HTTP client's own timeout surfaces as a cancellation the caller did not ask for.
        await Assert.ThrowsAsync<SummarizerFailedException>(() =>
            Summarizer(new FakeChatClient(new TaskCanceledException("timed out"))).SummarizeAsync(Transcript, "en", Token));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_stays_a_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Summarizer(new FakeChatClient(GoodJson)).SummarizeAsync(Transcript, "en", cancellation.Token));
    }

    [Fact]
    public async Task Over_the_budget_the_oldest_lines_are_dropped_and_the_newest_kept()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"Line number {i:D3} of the broadcast, padded to be long enough to matter.").ToArray();
        var client = new FakeChatClient(GoodJson);

        await new ChatClientSummarizer(client, new RecapsSettings { MaxPromptCharacters = 1_000 }).SummarizeAsync(ExtractiveSummarizerTests.Transcript("en", lines), "en", Token);

        Assert.Contains("Line number 099", client.Prompt);
        Assert.Contains("Line number 090", client.Prompt);
        Assert.DoesNotContain("Line number 000", client.Prompt);
        Assert.DoesNotContain("Line number 050", client.Prompt);
        Assert.True(client.TranscriptMessage.Length <= 1_000, $"{client.TranscriptMessage.Length} characters");
        Assert.True(client.TranscriptMessage.IndexOf("Line number 098", StringComparison.Ordinal) < client.TranscriptMessage.IndexOf("Line number 099", StringComparison.Ordinal));
    }

    [Fact]
    public void The_hebrew_prompt_names_hebrew_and_carries_speakers_and_times()
    {
        var line = new TranscriptLine("שלום", new DateTime(2026, 12, 4, 20, 15, 30, DateTimeKind.Utc), new DateTime(2026, 12, 4, 20, 15, 32, DateTimeKind.Utc), "he", "Anchor");

        var messages = ChatClientSummarizer.Prompt([line], "he", 1_000);

        Assert.Contains("Answer in Hebrew", messages[0].Text);
        Assert.Equal(ChatRole.User, messages[1].Role);
        Assert.Equal("[20:15:30] Anchor: שלום", messages[1].Text);
    }

    private static ChatClientSummarizer Summarizer(IChatClient client) => new(client, new RecapsSettings());

    internal sealed class FakeChatClient : IChatClient
    {
        private readonly string? answer;
        private readonly Exception? failure;

        public FakeChatClient(string answer) => this.answer = answer;

        public FakeChatClient(Exception failure) => this.failure = failure;

        public string Prompt { get; private set; } = "";

        public string TranscriptMessage { get; private set; } = "";

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var list = messages.ToList();
            Prompt = string.Join('\n', list.Select(message => message.Text));
            TranscriptMessage = list.Last().Text;
            Assert.Equal(ChatResponseFormat.Json, options?.ResponseFormat);
            return failure is null
                ? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)))
                : Task.FromException<ChatResponse>(failure);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
