// The API key must never reach what n8n shows or stores: outputs, errors, nested API answers, stacks.
export type Redact = (text: string) => string;

/** Masks the key as saved and as sent (users paste keys with stray spaces and tabs around them). */
export function redactorFor(secret: string): Redact {
	const variants = [...new Set([secret, secret.trim()])].filter((variant) => variant.length >= 4).sort((a, b) => b.length - a.length);
	return (text) => variants.reduce((result, variant) => result.split(variant).join('***'), text);
}

/** A copy of plain JSON data with every string redacted (keys included). */
export function redactDeep<T>(value: T, redact: Redact): T {
	if (typeof value === 'string') return redact(value) as T;
	if (Array.isArray(value)) return value.map((entry: unknown) => redactDeep(entry, redact)) as T;
	if (value instanceof Error) return redactError(value, redact);
	if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [redact(key), redactDeep(entry, redact)])) as T;
}

/** Redacts, in place, every text field an n8n error carries into the saved execution. */
export function redactError<E>(error: E, redact: Redact): E {
	if (error === null || typeof error !== 'object') return error;
	const fields = error as Record<string, unknown>;
	for (const name of ['message', 'description', 'stack', 'messages', 'errorResponse', 'context', 'extra'])
		if (fields[name] !== undefined) fields[name] = redactDeep(fields[name], redact);
	if (fields.cause !== undefined && fields.cause !== error) redactError(fields.cause, redact);
	return error;
}
