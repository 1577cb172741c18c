# Frame (alias Message) and MessageTracker.

cdef class _Flag:
    """Set to done by libzmq's free callback (without the GIL) once it drops a zero-copy buffer."""

    @property
    def done(self):
        return gz_load_int(&self.done) != 0


cdef class MessageTracker:
    """Tracks whether libzmq is done with zero-copy frames.

    Parameters
    ----------
    *towatch : Frame, MessageTracker or threading.Event-like
        What to track; ``done`` is true once every one of them is done.
    """

    def __init__(self, *towatch):
        self._flags = []
        self._events = []
        self._trackers = []
        for obj in towatch:
            if isinstance(obj, _Flag):
                self._flags.append(obj)
            elif isinstance(obj, Frame):
                if (<Frame>obj).tracker is None:
                    raise ValueError("not a tracked frame (Frame(track=True))")
                self._trackers.append((<Frame>obj).tracker)
            elif isinstance(obj, MessageTracker):
                self._trackers.append(obj)
            elif hasattr(obj, "is_set") and hasattr(obj, "wait"):
                self._events.append(obj)
            else:
                raise TypeError("cannot track %r" % (obj,))

    cdef bint _done(self):
        cdef _Flag f
        for f in self._flags:
            if not gz_load_int(&f.done):
                return False
        for ev in self._events:
            if not ev.is_set():
                return False
        for t in self._trackers:
            if not (<MessageTracker>t)._done():
                return False
        return True

    @property
    def done(self):
        """True once libzmq has released every tracked buffer."""
        return self._done()

    def wait(self, timeout=-1):
        """Wait (GIL released) until ``done``.

        Raise NotDone after ``timeout`` seconds (-1: forever).
        """
        cdef unsigned long gen
        cdef long ms
        cdef double deadline = -1.0, left
        if timeout is None:
            timeout = -1
        timeout = float(timeout)
        if timeout >= 0:
            deadline = gz_monotonic() + timeout
        while True:
            gen = gz_gen()
            if self._done():
                return
            if self._events:
                # Event-like objects are not signalled by libzmq: poll them in short steps
                ms = 10
            elif deadline < 0:
                ms = -1
            else:
                ms = 0
            if deadline >= 0:
                left = deadline - gz_monotonic()
                if left <= 0:
                    raise NotDone("tracked frames are not done after %.3f s" % timeout)
                if ms != 10 or left * 1000 < ms:
                    ms = <long>(left * 1000) + 1
            with nogil:
                gz_wait_gen(gen, ms)
            PyErr_CheckSignals()


_FINISHED_TRACKER = MessageTracker()


cdef class Frame:
    """A single message frame.

    Parameters
    ----------
    data : bytes-like, optional
        The content. Any object with the buffer interface; str is refused.
    track : bool
        Make a MessageTracker that turns done when libzmq releases the buffer (zero-copy).
    copy : bool, optional
        Copy ``data`` (default: copy below the socket's copy threshold unless tracked).
    """

    def __cinit__(self, *args, **kwargs):
        zmq_msg_init(&self.zmq_msg)

    def __init__(self, data=None, track=False, copy=None, copy_threshold=None):
        cdef Py_buffer view
        cdef _Flag flag = None
        cdef Py_ssize_t threshold = _copy_threshold if copy_threshold is None else copy_threshold
        self.more = False
        self.tracker = None
        if data is None:
            if track:
                self.tracker = _FINISHED_TRACKER
            return
        if isinstance(data, str):
            raise TypeError("str is not allowed as frame data: encode it, or use send_string")
        if isinstance(data, Frame):
            data = (<Frame>data).buffer
        if not PyObject_CheckBuffer(data):
            raise TypeError("frame data must be bytes or support the buffer protocol, not %s"
                            % type(data).__name__)
        PyObject_GetBuffer(data, &view, PyBUF_ANY_CONTIGUOUS)
        try:
            if copy is None:
                copy = view.len < threshold and not track
            if copy:
                _check_rc(zmq_msg_close(&self.zmq_msg))
                _check_rc(zmq_msg_init_size(&self.zmq_msg, view.len))
                if view.len:
                    memcpy(zmq_msg_data(&self.zmq_msg), view.buf, view.len)
                if isinstance(data, bytes):
                    self._bytes = data
                if track:
                    self.tracker = _FINISHED_TRACKER
                return
        finally:
            PyBuffer_Release(&view)
        if track:
            flag = _Flag()
            self.tracker = MessageTracker(flag)
        zmq_msg_close(&self.zmq_msg)
        _init_zerocopy(&self.zmq_msg, data, flag)
        self._data = data
        if isinstance(data, bytes):
            self._bytes = data

    def __dealloc__(self):
        zmq_msg_close(&self.zmq_msg)

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        if flags & PyBUF_WRITABLE:
            raise BufferError("Frame buffers are read-only")
        PyBuffer_FillInfo(buffer, self, zmq_msg_data(&self.zmq_msg),
                          zmq_msg_size(&self.zmq_msg), 1, flags)

    def __len__(self):
        return zmq_msg_size(&self.zmq_msg)

    def __bytes__(self):
        return self.bytes

    def __str__(self):
        return self.bytes.decode("utf-8", "replace")

    def __repr__(self):
        n = zmq_msg_size(&self.zmq_msg)
        head = self.bytes[:32]
        return "<greenzmq.Frame(%r%s)>" % (head, "..." if n > 32 else "")

    def __copy__(self):
        cdef Frame other = Frame.__new__(Frame)
        _check_rc(zmq_msg_copy(&other.zmq_msg, &self.zmq_msg))
        other.more = self.more
        other.tracker = self.tracker
        other._bytes = self._bytes
        other._data = self._data
        return other

    def fast_copy(self):
        """A new Frame sharing this frame's content (libzmq reference counting)."""
        return self.__copy__()

    def __eq__(self, other):
        if isinstance(other, Frame):
            return self.bytes == (<Frame>other).bytes
        try:
            return self.bytes == bytes(memoryview(other))
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.bytes)

    @property
    def buffer(self):
        """A read-only memoryview of the content (no copy)."""
        return memoryview(self)

    @property
    def bytes(self):
        """The content as bytes (copied on first access, then cached)."""
        if self._bytes is None:
            self._bytes = PyBytes_FromStringAndSize(
                <char *>zmq_msg_data(&self.zmq_msg), zmq_msg_size(&self.zmq_msg))
        return self._bytes

    @property
    def done(self):
        """True once libzmq has released this frame's buffer (needs track=True)."""
        if self.tracker is None:
            raise ValueError("not a tracked frame (Frame(track=True))")
        return self.tracker.done

    def wait(self, timeout=-1):
        """Wait until libzmq has released this frame's buffer (see MessageTracker.wait)."""
        if self.tracker is None:
            raise ValueError("not a tracked frame (Frame(track=True))")
        return self.tracker.wait(timeout)

    def get(self, option):
        """A frame property: an int option (MORE, SRCFD, SHARED) or a str metadata name."""
        cdef int rc
        cdef const char *val
        if isinstance(option, str):
            key = (<str>option).encode("utf-8")
            val = zmq_msg_gets(&self.zmq_msg, key)
            if val == NULL:
                _raise(c_zmq_errno(), repr(option))
            return val.decode("utf-8", "replace")
        if isinstance(option, bytes):
            return self.get((<bytes>option).decode("utf-8"))
        rc = zmq_msg_get(&self.zmq_msg, option)
        if rc < 0:
            _raise(c_zmq_errno())
        return rc

    def __getitem__(self, key):
        """``frame["User-Id"]``: same as ``frame.get(key)`` (pyzmq's spelling)."""
        return self.get(key)

    def set(self, option, int value):
        """Set an int frame property (libzmq 4.3 defines none settable; EINVAL)."""
        _check_rc(zmq_msg_set(&self.zmq_msg, option, value))

    @property
    def routing_id(self):
        """The routing id of a frame from a SERVER socket (libzmq draft API)."""
        cdef void *fn = gz_dlsym("zmq_msg_routing_id")
        if fn == NULL:
            raise ZMQError(ENOTSUP, "Frame.routing_id needs libzmq built with the draft API")
        return (<unsigned int (*)(zmq_msg_t *) noexcept nogil>fn)(&self.zmq_msg)

    @routing_id.setter
    def routing_id(self, unsigned int value):
        cdef void *fn = gz_dlsym("zmq_msg_set_routing_id")
        if fn == NULL:
            raise ZMQError(ENOTSUP, "Frame.routing_id needs libzmq built with the draft API")
        _check_rc((<int (*)(zmq_msg_t *, unsigned int) noexcept nogil>fn)(&self.zmq_msg, value))


Message = Frame
