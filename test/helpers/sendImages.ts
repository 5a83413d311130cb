/** Starts the callback example's workflow as its users do: POST {"images": [...]} to its Webhook trigger. */
export async function sendImages(webhookBase: string, path: string, images: string[]): Promise<void> {
	const response = await fetch(`${webhookBase}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ images }),
	});
	if (response.status !== 200) throw new Error(`POST /webhook/${path} answered HTTP ${response.status}: ${await response.text()}`);
}
