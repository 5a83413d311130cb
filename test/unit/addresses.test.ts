import { isLocalUrl, unsafeVideoUrl } from '../../nodes/Vidu/transport/addresses';

describe('isLocalUrl', () => {
	it.each([
		{ url: 'http://localhost:5678/webhook-waiting/1', local: true },
		{ url: 'http://LOCALHOST:5678/x', local: true },
		{ url: 'http://n8n.localhost/x', local: true },
		{ url: 'http://127.0.0.1:5678/x', local: true },
		{ url: 'http://127.8.9.1/x', local: true },
		{ url: 'http://[::1]:5678/x', local: true },
		{ url: 'http://0.0.0.0:5678/x', local: true },
		{ url: 'http://[::ffff:127.0.0.1]:5678/x', local: true },
		{ url: 'http://2130706433:5678/x', local: true },
		{ url: 'https://n8n.example.com/webhook-waiting/1', local: false },
		{ url: 'http://10.0.0.5:5678/x', local: false },
		{ url: 'http://localhost.example.com/x', local: false },
		{ url: 'not a url', local: false },
	])('$url is local: $local', ({ url, local }) => expect(isLocalUrl(url)).toBe(local));
});

describe('unsafeVideoUrl', () => {
	it.each([
		{ url: 'https://cdn.example/out.mp4', problem: undefined },
		{ url: 'http://127.0.0.1:9000/out.mp4', problem: undefined },
		{ url: 'http://169.254.169.254/latest/meta-data', problem: 'points at a link-local address' },
		{ url: 'http://[fe80::1]/out.mp4', problem: 'points at a link-local address' },
		{ url: 'http://[::ffff:169.254.169.254]/latest/meta-data', problem: 'points at a link-local address' },
		{ url: 'http://2852039166/latest/meta-data', problem: 'points at a link-local address' },
		{ url: 'http://0xa9.0xfe.0xa9.0xfe/latest/meta-data', problem: 'points at a link-local address' },
		{ url: 'http://[::ffff:10.0.0.1]/out.mp4', problem: undefined },
		{ url: 'http://[FEBF::1]/out.mp4', problem: 'points at a link-local address' },
		{ url: 'http://[fec0::1]/out.mp4', problem: undefined },
		{ url: 'http://[64:ff9b::a9fe:a9fe]/latest/meta-data', problem: 'points at a link-local address' },
		{ url: 'http://[64:ff9b::808:808]/out.mp4', problem: undefined },
		{ url: 'http://metadata.google.internal/computeMetadata/v1/', problem: 'points at a cloud metadata service' },
		{ url: 'http://METADATA.google.internal./computeMetadata/v1/', problem: 'points at a cloud metadata service' },
		{ url: 'http://metadata/computeMetadata/v1/', problem: 'points at a cloud metadata service' },
		{ url: 'http://instance-data/latest/meta-data', problem: 'points at a cloud metadata service' },
		{ url: 'http://instance-data.ec2.internal/latest/meta-data', problem: 'points at an internal host name (.internal)' },
		{ url: 'http://100.100.100.200/latest/meta-data', problem: 'points at a cloud metadata service' },
		{ url: 'http://[fd00:ec2::254]/latest/meta-data', problem: 'points at a cloud metadata service' },
		{ url: 'https://cdn.internal.example.com/out.mp4', problem: undefined },
		{ url: 'file:///etc/passwd', problem: 'is a file: URL, not http(s)' },
		{ url: 'data:video/mp4;base64,AAAA', problem: 'is a data: URL, not http(s)' },
		{ url: '/relative/out.mp4', problem: 'is not a valid URL' },
	])('$url: $problem', ({ url, problem }) => expect(unsafeVideoUrl(url)).toBe(problem));
});
