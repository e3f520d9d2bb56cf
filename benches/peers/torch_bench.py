"""Python peers for `npm run bench`: numpy (OpenBLAS) and PyTorch, driven by benches/lib/python.mjs.

One process per thread count (the runner starts it with --threads T, and with OMP_WAIT_POLICY=PASSIVE for
T > 1). It reads one JSON request per line on stdin and answers one JSON line on stdout, so the runner can
interleave these peers with fanin rep by rep. Each request times `iters` repetitions of one operation with
time.perf_counter and returns the total seconds; inputs are built once per shape and kept, so a request
measures the operation only, as the fanin side does.
"""
import json
import os
import platform
import sys
import time

THREADS = 1
for i, a in enumerate(sys.argv):
    if a == '--threads':
        THREADS = int(sys.argv[i + 1])

np = None
torch = None
tpc = None
_limits = None
errors = {}
try:
    import numpy as np  # noqa: F811
except Exception as e:  # noqa: BLE001
    errors['numpy'] = repr(e)
try:
    import torch  # noqa: F811
    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
except Exception as e:  # noqa: BLE001
    errors['torch'] = repr(e)
try:
    import threadpoolctl as tpc  # noqa: F811
except Exception as e:  # noqa: BLE001
    errors['threadpoolctl'] = repr(e)


def _blas_limit():
    """Cap every BLAS/OpenMP pool in this process at THREADS (OpenBLAS would otherwise use all cores)."""
    global _limits
    if tpc is not None and _limits is None:
        if np is not None:
            a = np.ones((4, 4), dtype=np.float32)
            a @ a  # loads the BLAS library so threadpoolctl can see it
        _limits = tpc.threadpool_limits(limits=THREADS)


def info():
    _blas_limit()
    out = {'python': platform.python_version(), 'executable': sys.executable, 'threads': THREADS,
           'errors': errors,
           'env': {k: os.environ.get(k) for k in ('OMP_WAIT_POLICY', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                                                  'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'GOMP_SPINCOUNT')}}
    if np is not None:
        out['numpy'] = np.__version__
    if torch is not None:
        out['torch'] = torch.__version__
        out['torch_threads'] = torch.get_num_threads()
        try:
            cfg = torch.__config__.show()
            out['torch_blas'] = [l.strip() for l in cfg.splitlines() if 'BLAS' in l or 'LAPACK' in l][:4]
        except Exception as e:  # noqa: BLE001
            out['torch_blas'] = repr(e)
    if tpc is not None:
        out['threadpools'] = tpc.threadpool_info()
    elif np is not None:
        # No threadpoolctl: numpy's own build record is the best we can say about its BLAS.
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            np.show_config()
        out['numpy_config'] = buf.getvalue()[:2000]
    return out


_cache = {}


def _mats(lib, n):
    key = ('mats', lib, n)
    if key not in _cache:
        rng = np.random.default_rng(1)
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        if lib == 'torch':
            a, b, c = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
        _cache[key] = (a, b, c)
    return _cache[key]


def need(lib):
    if lib == 'numpy' and np is None:
        raise RuntimeError('not installed: numpy (' + errors.get('numpy', '') + ')')
    if lib == 'torch' and torch is None:
        raise RuntimeError('not installed: torch (' + errors.get('torch', '') + ')')
    if np is None:
        raise RuntimeError('not installed: numpy (' + errors.get('numpy', '') + ')')


def sgemm(lib, n, layout, iters):
    need(lib)
    a, b, c = _mats(lib, n)
    if lib == 'numpy':
        x = a.T if layout == 'TN' else a
        y = b.T if layout == 'NT' else b
        t = time.perf_counter()
        for _ in range(iters):
            np.matmul(x, y, out=c)
        return time.perf_counter() - t
    x = a.t() if layout == 'TN' else a
    y = b.t() if layout == 'NT' else b
    with torch.no_grad():
        t = time.perf_counter()
        for _ in range(iters):
            torch.mm(x, y, out=c)
        return time.perf_counter() - t


def sample(lib, kind, rows, cols, iters):
    need(lib)
    key = ('buf', lib, rows, cols)
    if key not in _cache:
        _cache[key] = np.empty((rows, cols), dtype=np.float32) if lib == 'numpy' else torch.empty(rows, cols)
        if lib == 'numpy':
            _cache[('rng', rows, cols)] = np.random.default_rng(42)
        else:
            torch.manual_seed(42)
    buf = _cache[key]
    # Keras layout [fanIn, fanOut] = [rows, cols]; PyTorch weights are [out, in]: same square sizes here.
    fan_in, fan_out = rows, cols
    if lib == 'numpy':
        rng = _cache[('rng', rows, cols)]
        if kind in ('truncated_normal',):
            raise RuntimeError('n/a: numpy has no truncated normal sampler')
        t = time.perf_counter()
        for _ in range(iters):
            if kind == 'uniform':
                rng.random(out=buf, dtype=np.float32)
            elif kind == 'normal':
                rng.standard_normal(out=buf, dtype=np.float32)
            elif kind == 'he_normal':  # untruncated, PyTorch semantics: N(0, 2/fanIn)
                rng.standard_normal(out=buf, dtype=np.float32)
                buf *= np.float32((2.0 / fan_in) ** 0.5)
            elif kind == 'glorot_uniform':
                lim = np.float32((6.0 / (fan_in + fan_out)) ** 0.5)
                rng.random(out=buf, dtype=np.float32)
                buf *= 2 * lim
                buf -= lim
            else:
                raise RuntimeError('unknown kind ' + kind)
        return time.perf_counter() - t
    nn = torch.nn.init
    with torch.no_grad():
        t = time.perf_counter()
        for _ in range(iters):
            if kind == 'uniform':
                buf.uniform_()
            elif kind == 'normal':
                buf.normal_()
            elif kind == 'truncated_normal':
                nn.trunc_normal_(buf, 0.0, 1.0, -2.0, 2.0)
            elif kind == 'he_normal':  # kaiming_normal_: untruncated N(0, 2/fanIn)
                nn.kaiming_normal_(buf, mode='fan_in', nonlinearity='relu')
            elif kind == 'glorot_uniform':
                nn.xavier_uniform_(buf)
            else:
                raise RuntimeError('unknown kind ' + kind)
        return time.perf_counter() - t


def orthogonal(lib, n, iters):
    need(lib)
    t = time.perf_counter()
    if lib == 'numpy':
        rng = np.random.default_rng(7)
        for _ in range(iters):
            a = rng.standard_normal((n, n), dtype=np.float32)
            q, r = np.linalg.qr(a)
            q *= np.sign(np.diag(r))
    else:
        buf = torch.empty(n, n)
        with torch.no_grad():
            for _ in range(iters):
                torch.nn.init.orthogonal_(buf)
    return time.perf_counter() - t


def _net(model, opt):
    key = ('net', model, opt)
    if key not in _cache:
        torch.manual_seed(7)
        nn = torch.nn
        if model == 'mlp':
            layers = [nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)]
        elif model == 'deep30':
            layers = [nn.Linear(784, 256), nn.ReLU()]
            for _ in range(29):
                layers += [nn.Linear(256, 256), nn.ReLU()]
            layers += [nn.Linear(256, 10)]
        else:
            raise RuntimeError('unknown model ' + model)
        net = nn.Sequential(*layers)
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
                nn.init.zeros_(m.bias)
        if opt == 'sgd':
            o = torch.optim.SGD(net.parameters(), lr=0.01)
        else:
            o = torch.optim.Adam(net.parameters(), lr=1e-3)
        _cache[key] = (net, o, nn.CrossEntropyLoss())
    return _cache[key]


def _data(rows):
    key = ('data', rows)
    if key not in _cache:
        g = torch.Generator().manual_seed(3)
        x = torch.randn(rows, 784, generator=g)
        y = torch.randint(0, 10, (rows,), generator=g)
        _cache[key] = (x, y)
    return _cache[key]


def train(model, opt, batches, batch_size):
    """One epoch of `batches` mini-batches: forward, softmax cross-entropy (on logits), backward, step."""
    need('torch')
    net, o, loss_fn = _net(model, opt)
    x, y = _data(batches * batch_size)
    t = time.perf_counter()
    for i in range(batches):
        xb = x[i * batch_size:(i + 1) * batch_size]
        yb = y[i * batch_size:(i + 1) * batch_size]
        o.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), yb)
        loss.backward()
        o.step()
    loss.item()
    return time.perf_counter() - t


def handle(req):
    op = req['op']
    if op == 'info':
        return info()
    _blas_limit()
    if op == 'sgemm':
        return {'seconds': sgemm(req['lib'], req['n'], req['layout'], req['iters'])}
    if op == 'sample':
        return {'seconds': sample(req['lib'], req['kind'], req['rows'], req['cols'], req['iters'])}
    if op == 'orthogonal':
        return {'seconds': orthogonal(req['lib'], req['n'], req['iters'])}
    if op == 'train':
        return {'seconds': train(req['model'], req['opt'], req['iters'], req['batchSize'])}
    if op == 'free':
        _cache.clear()
        return {}
    raise RuntimeError('unknown op ' + op)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            res = handle(req)
        except Exception as e:  # noqa: BLE001
            res = {'error': str(e) or repr(e)}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
