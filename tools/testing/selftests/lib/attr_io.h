/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole-file reads and single-write() writes of sysfs, configfs and debugfs
 * attributes, shared by the kselftests. Both return -errno, the convention
 * of kselftest_harness's EXPECT_EQ(-EINVAL, ...) checks.
 *
 * One write() per call matters: configfs and debugfs attributes take a value
 * in one write and reject a second one, or a partial one, on their own.
 */
#ifndef SELFTESTS_ATTR_IO_H
#define SELFTESTS_ATTR_IO_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/**
 * attr_read() - read a whole file
 * @path: file to read
 * @buf: where to put its contents
 * @size: at most this many bytes
 *
 * Return: the length read (@size if the file is longer), or -errno.
 */
static inline ssize_t attr_read(const char *path, void *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size) {
		n = read(fd, (char *)buf + len, size - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	return len;
}

/**
 * attr_write() - open a file, write a buffer in one write(), close it
 * @path: file to write
 * @oflags: open() flags besides O_WRONLY, such as O_TRUNC for what a
 *	    shell's ">" does
 * @buf: data
 * @len: its length
 *
 * Return: 0, -errno of open(), write() or close(), or -EIO for a short write.
 */
static inline int attr_write(const char *path, int oflags, const void *buf,
			     size_t len)
{
	ssize_t n;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CLOEXEC | oflags);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	rc = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

#endif /* SELFTESTS_ATTR_IO_H */
